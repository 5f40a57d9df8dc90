"""Placeholder: the leader's overview."""

from flask import render_template


def leader_home():
    """Placeholder."""
    return render_template("home/placeholder.html")
