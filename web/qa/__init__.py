"""问答库: the Q&A base page for opinion staff and leaders (search, browse, curate)."""

from flask import Blueprint

bp = Blueprint("qa", __name__, url_prefix="/qa")

from web.qa import views  # noqa: E402,F401  (routes register on bp)
