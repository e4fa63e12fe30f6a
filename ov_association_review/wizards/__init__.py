from . import review_decide_wizard
