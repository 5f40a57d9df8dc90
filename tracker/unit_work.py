"""Placeholder: the officer's home ("Việc của đơn vị")."""

from flask import render_template


def officer_home():
    """Placeholder."""
    return render_template("home/placeholder.html")
