"""Placeholder replaced by the units pages."""

from flask import Blueprint

bp = Blueprint("units", __name__)
