"""Entry point: `flask --app app run`, gunicorn 'app:app'."""
from ctportal import create_app

app = create_app()
