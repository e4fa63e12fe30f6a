from . import stamp_api
