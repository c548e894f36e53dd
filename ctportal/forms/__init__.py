"""WTForms classes. Every form is a FlaskForm, so every POST carries and checks a CSRF token."""
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons (logout, submit, approve): it carries the CSRF token."""
