from . import access_review
from . import review_item
from . import review_decisions
from . import review_scope
from . import review_closing
from . import review_schedule
