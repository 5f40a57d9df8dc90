"""Placeholder replaced by the tasks pages."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)
