"""GOV.UK Frontend components whose parameters never change (the skip link, the phase banner,
the home page's buttons: templates/_fixed.html), rendered once when the app starts and
written into pages as `{{ fixed.skip_link }}`. The markup is the macro's own, so nothing a
person sees changes; calling the macros on every page cost a page 0.1 to 0.2 ms of CPU.
Components whose parameters change with the page or the person (the service navigation)
are called as usual."""
from flask import Flask
from jinja2.runtime import Macro
from markupsafe import Markup


def init_app(app: Flask) -> None:
    """Call once the blueprints are registered: the fragments' links come from url_for."""
    with app.test_request_context():
        module = app.jinja_env.get_template("_fixed.html").module
        # Reviewed for bandit B704: the output of our own autoescaping macros, called without data.
        fixed = {name: Markup(macro()) for name, macro in vars(module).items() if isinstance(macro, Macro)}  # nosec B704
    app.jinja_env.globals["fixed"] = fixed
