"""The portal's seal on its editions (issue 16, item 4): a PAdES signature made with pyHanko, and
checking a PDF someone holds against the stored editions (the public verification page).

Where the seal comes from (docs/deployment.md):
* production: a PKCS#12 file (`SEAL_PKCS12_FILE`, `SEAL_PASSPHRASE`) or a PKCS#11 token
  (`SEAL_PKCS11_MODULE`, `SEAL_PKCS11_TOKEN_LABEL`, `SEAL_PKCS11_KEY_LABEL`, `SEAL_PKCS11_CERT_LABEL`,
  `SEAL_PKCS11_PIN`; needs the python-pkcs11 package). Without either, a compile fails saying so;
* development and tests: a self-signed seal made once in instance/seal/ (`flask make-dev-seal`,
  or at first use), never committed (instance/ is ignored).

The verification trusts the seal's own certificate (and those in `SEAL_TRUST_CERTS`, for the
seals of earlier years after a rotation) as roots: the question it answers is "did this portal
seal it", not "does some CA vouch for it". The stored SHA-256 of an edition is that of the
sealed file, so an exact copy is found by its hash.
"""
from __future__ import annotations

from collections.abc import Callable

import datetime as dt
import fcntl
import hashlib
import io
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ctportal.domain.errors import DomainError
from ctportal.models import CompiledReport, CompileState, Round, db

DEV_FOLDER = "seal"
DEV_P12 = "dev-seal.p12"
DEV_PASSPHRASE = "dev-seal.passphrase"
DEV_SUBJECT = "ctportal development seal (not for production)"
FIELD_NAME = "PortalSeal"
# What a screen reader says of the seal's (invisible) field: the assembly makes it, tagged (pdf/structure.py).
FIELD_TOOLTIP = "The portal's electronic seal: it shows the edition is as the portal issued it"
FIELD = (FIELD_NAME, FIELD_TOOLTIP)  # what the assembly makes (pdf/assemble.py, seal_field)

_lock = threading.Lock()
_signers: dict[tuple[Any, ...], Any] = {}


class SealError(DomainError):
    """The seal cannot be used: not configured, unreadable, or its passphrase is wrong."""


# --- the seal ------------------------------------------------------------------------------------

def dev_seal_paths(instance_path: Path) -> tuple[Path, Path]:
    folder = instance_path / DEV_FOLDER
    return folder / DEV_P12, folder / DEV_PASSPHRASE


def make_dev_seal(instance_path: Path, *, replace: bool = False) -> Path:
    """A self-signed seal (EC P-256, ten years) in instance/seal/, its random passphrase beside it
    (both 0600). Kept if it exists unless `replace`: editions sealed with it stay verifiable."""
    p12, passfile = dev_seal_paths(instance_path)
    if p12.exists() and passfile.exists() and not replace:
        return p12
    p12.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (p12.parent / ".lock").open("w") as lock:  # two processes at first use make one seal
        fcntl.flock(lock, fcntl.LOCK_EX)
        if p12.exists() and passfile.exists() and not replace:
            return p12
        _write_dev_seal(p12, passfile)
    _signers.clear()
    return p12


def _write_dev_seal(p12: Path, passfile: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEV_SUBJECT),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ctportal (development)")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    passphrase = secrets.token_urlsafe(24)
    data = pkcs12.serialize_key_and_certificates(
        b"ctportal-dev-seal", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode()))
    for path, content in ((passfile, passphrase.encode()), (p12, data)):
        tmp = path.with_suffix(path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        tmp.replace(path)


def _settings() -> tuple[Any, ...]:
    cfg = current_app.config
    if cfg.get("SEAL_PKCS11_MODULE"):
        return ("pkcs11", cfg["SEAL_PKCS11_MODULE"], cfg.get("SEAL_PKCS11_TOKEN_LABEL", ""),
                cfg.get("SEAL_PKCS11_KEY_LABEL", ""), cfg.get("SEAL_PKCS11_CERT_LABEL", ""),
                cfg.get("SEAL_PKCS11_PIN", ""))
    if cfg.get("SEAL_PKCS12_FILE"):
        return ("file", cfg["SEAL_PKCS12_FILE"], cfg.get("SEAL_PASSPHRASE", ""))
    if cfg.get("ENV") == "production":
        raise SealError("No seal is configured: set SEAL_PKCS12_FILE and SEAL_PASSPHRASE (or the SEAL_PKCS11_* "
                        "settings) to the portal's seal (docs/deployment.md). Editions are sealed before they "
                        "are stored.", field="SEAL_PKCS12_FILE")
    p12, passfile = dev_seal_paths(Path(current_app.instance_path))
    if not p12.exists() or not passfile.exists():
        make_dev_seal(Path(current_app.instance_path))
    return ("file", str(p12), passfile.read_text().strip())


def signer() -> Any:
    """The seal as a pyHanko signer, loaded once per process (per setting)."""
    settings = _settings()
    with _lock:
        found = _signers.get(settings)
        if found is None:
            found = _signers[settings] = _load(settings)
        return found


def _load(settings: tuple[Any, ...]) -> Any:
    from pyhanko.sign import signers

    if settings[0] == "pkcs11":
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign import pkcs11 as sign_pkcs11
        except ImportError as exc:  # python-pkcs11 is an optional package
            raise SealError(f"SEAL_PKCS11_MODULE is set but PKCS#11 support is missing ({exc}): "
                            "install python-pkcs11.", field="SEAL_PKCS11_MODULE") from None
        _, module, token, key_label, cert_label, pin = settings
        session = sign_pkcs11.open_pkcs11_session(module, token_criteria=TokenCriteria(label=token or None),
                                                  user_pin=pin or None)
        return sign_pkcs11.PKCS11Signer(session, cert_label=cert_label or None, key_label=key_label or None)
    _, path, passphrase = settings
    if not Path(path).is_file():
        raise SealError(f"The seal file {path} does not exist (SEAL_PKCS12_FILE).", field="SEAL_PKCS12_FILE")
    loaded = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        path, passphrase=passphrase.encode() if passphrase else None)
    if loaded is None:
        raise SealError(f"The seal file {path} could not be opened: is SEAL_PASSPHRASE right?",
                        field="SEAL_PASSPHRASE")
    return loaded


def seal_subject() -> str:
    subject: str = signer().signing_cert.subject.human_friendly
    return subject[:300]


def trust_roots() -> list[Any]:
    """The certificates a seal is checked against: the seal's own, and any in SEAL_TRUST_CERTS."""
    from asn1crypto import pem, x509

    roots = [signer().signing_cert]
    extra = current_app.config.get("SEAL_TRUST_CERTS") or ""
    if extra:
        data = Path(extra).read_bytes()
        blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        roots.extend(x509.Certificate.load(der) for der in blocks)
    return roots


# --- sealing -------------------------------------------------------------------------------------

def seal_pdf(source: Path, target: Path, *, reason: str) -> None:
    """Write `source` sealed (PAdES baseline B, SHA-256) to `target`: an incremental update, so
    the assembled edition's bytes are kept as they are and the seal covers them all."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200], location=current_app.config.get("BASE_URL", "") or None,
        name="ctportal")
    with source.open("rb") as inf, target.open("wb") as out:
        writer = IncrementalPdfFileWriter(inf, strict=False)
        # Keep the assembled metadata as it is: pyHanko re-serialises the XMP on every update and drops
        # the PDF/A extension schema that declares pdfuaid (the edition then fails PDF/A-2a). The seal's
        # time is in the signature; the Info and XMP dates stay the assembly's, consistent with each other.
        writer._update_meta = lambda: None  # type: ignore[method-assign]
        sealer = signer()
        _outside_any_event_loop(lambda: signers.sign_pdf(writer, meta, signer=sealer, output=out))


def _outside_any_event_loop(work: Callable[[], object]) -> None:
    """pyHanko's sign_pdf calls asyncio.run(), which refuses to run where an event loop is already
    running (a compile run inline by a caller that has one, as Playwright's sync API in the browser
    tests): then it runs on a thread of its own."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        work()
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


# --- checking a PDF ------------------------------------------------------------------------------



class NotAPdf(DomainError):
    """What was sent cannot be checked: not a PDF, or too large."""


def too_large(megabytes: int) -> str:
    from flask_babel import gettext
    return str(gettext("The file is larger than %(mb)s MB: no edition of the portal is that large.", mb=megabytes))


@dataclass
class Verdict:
    """What the verification page says about a file."""
    outcome: str            # genuine | altered | invalid | unknown
    edition: CompiledReport | None = None
    round: Round | None = None
    superseded_by: CompiledReport | None = None
    signed_at: dt.datetime | None = None
    detail: str = ""        # a short, non-confidential reason (never the edition's content)

    @property
    def final(self) -> bool:
        from ctportal import policy
        return self.edition is not None and self.round is not None and policy.is_final_edition(self.round, self.edition)


def is_pdf(data: bytes) -> bool:
    """A PDF starts with %PDF- within its first 1024 bytes (ISO 32000-1, 7.5.2)."""
    return b"%PDF-" in data[:1024]


def _edition_by_sha(sha: str) -> CompiledReport | None:
    return db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.sha256 == sha, CompiledReport.state == CompileState.done).order_by(CompiledReport.id).limit(1))


def superseded_by(edition: CompiledReport) -> CompiledReport | None:
    """The newest edition of the same kind (final or draft) of the round that is not superseded."""
    if edition.superseded_at is None:
        return None
    return db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.round_id == edition.round_id, CompiledReport.id > edition.id,
        CompiledReport.state == CompileState.done, CompiledReport.superseded_at.is_(None),
        CompiledReport.draft.is_(edition.draft)).order_by(CompiledReport.id.desc()).limit(1))


def _found(outcome: str, edition: CompiledReport, **kw: Any) -> Verdict:
    return Verdict(outcome, edition, db.session.get(Round, edition.round_id), superseded_by(edition), **kw)


def verify(data: bytes) -> Verdict:
    """Is `data` an edition of this portal, which one, and is it as sealed?

    An exact copy is found by its SHA-256. Otherwise the portal's seal is looked for: valid and
    covering a revision of the file whose hash is a stored edition's → that edition, altered after
    sealing (something was appended); a seal that does not match the bytes → altered (the seal is
    broken); no seal of the portal → not an edition of this portal.
    """
    if not is_pdf(data):
        from flask_babel import gettext
        raise NotAPdf(gettext("This file is not a PDF: only PDF editions can be checked here."), field="file")
    edition = _edition_by_sha(hashlib.sha256(data).hexdigest())
    if edition is not None:
        return _found("genuine", edition, signed_at=_signing_time(data))
    return _check_signature(data)


def _signing_time(data: bytes) -> dt.datetime | None:
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        sigs = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        return sigs[-1].self_reported_timestamp if sigs else None
    except Exception:  # noqa: BLE001 - an exact copy of a stored edition: the time is a nicety
        return None


def _check_signature(data: bytes) -> Verdict:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        return Verdict("unknown", detail=f"unreadable: {type(exc).__name__}")
    if not sigs:
        return Verdict("unknown", detail="no signature")
    try:
        roots = trust_roots()
    except SealError:  # no seal configured (a production set-up not finished): nothing to check against
        return Verdict("unknown", detail="no seal configured")
    root_keys = {r.public_key.dump() for r in roots}
    for sig in sigs:
        try:
            cert = sig.signer_cert
        except Exception:  # noqa: BLE001 - a signature whose CMS cannot be read is not the portal's
            continue
        if cert.public_key.dump() not in root_keys:
            continue   # someone else's signature: it says nothing about the portal
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context, skip_diff=True)
        except Exception as exc:  # noqa: BLE001 - whatever breaks the check, the seal is not shown valid
            return Verdict("invalid", detail=f"the seal could not be checked: {type(exc).__name__}")
        if not (status.intact and status.valid):
            return Verdict("invalid", detail="the seal does not match the file's content")
        byte_range = sig.sig_object["/ByteRange"]
        signed = data[:int(byte_range[2]) + int(byte_range[3])]
        edition = _edition_by_sha(hashlib.sha256(signed).hexdigest())
        if edition is None:
            # Sealed by the portal, but not a file it stored (an edition whose record is gone).
            return Verdict("invalid", detail="sealed, but no stored edition has these bytes",
                           signed_at=status.signer_reported_dt)
        return _found("altered", edition, signed_at=status.signer_reported_dt,
                      detail="content was added after the seal")
    return Verdict("unknown", detail="not sealed by this portal")
