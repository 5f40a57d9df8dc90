"""Placeholder replaced by the assignments pages."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)
