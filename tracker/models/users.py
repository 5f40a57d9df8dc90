"""People who log in, with their role and (for a unit's head and officers) their unit."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import gettext
from flask_login import UserMixin
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.models.units import Unit

ROLES = {
    "admin": N_("Quản trị"),
    "leader": N_("Lãnh đạo"),
    "secretary": N_("Chuyên viên tổng hợp"),
    "unit_head": N_("Lãnh đạo đơn vị"),
    "officer": N_("Cán bộ đầu mối"),
    "viewer": N_("Theo dõi"),
}

# The roles that belong to one unit and act for it: its head and its officers.
UNIT_ROLES = ("unit_head", "officer")
# Why an account of each of those roles needs its unit (forms and imports say it beside the unit).
UNIT_NEEDED = {
    "unit_head": N_("Lãnh đạo đơn vị phải thuộc một đơn vị."),
    "officer": N_("Cán bộ đầu mối phải thuộc một đơn vị."),
}


def hash_method() -> str:
    """How passwords are hashed: scrypt unless the app configures otherwise."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


class User(UserMixin, BaseModel):
    """A login; officers belong to one unit. What each role may do: tracker/policy.py."""

    username = CharField(max_length=60, unique=True)
    full_name = CharField(max_length=200)
    email = CharField(max_length=200, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=20, index=True)
    unit = ForeignKeyField(Unit, null=True, backref="users", on_delete="RESTRICT")
    active = BooleanField(default=True)
    locale = CharField(max_length=5, default="")
    created_at = InstantField()
    # Part of the login id kept in session and remember cookies (``get_id``): raising it
    # ends every session of the user (logout, password change, admin lock or reset).
    session_version = IntegerField(default=1)

    # What a list's search looks in (tracker/core/search_index.py ``condition``).
    SEARCH_FIELDS = ("username", "full_name", "email")

    class Meta:
        table_name = "user"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember cookies: ``id:version``."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users on every request
        return bool(self.active)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (see ``hash_method``)."""
        self.password_hash = generate_password_hash(password, method=hash_method())

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return gettext(ROLES[self.role]) if self.role in ROLES else self.role
