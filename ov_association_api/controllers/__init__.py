from . import governed_api
