"""Extensions created unbound here and bound to the app in ``create_app``."""

from flask_babel import Babel, gettext
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from tracker.core.i18n import N_

babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "warning"
login_manager.localize_callback = gettext
