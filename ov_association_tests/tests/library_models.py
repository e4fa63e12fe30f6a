"""Which models are the library's own: discovered, never listed by hand.

Every concrete ``ov.*`` model of the registry, in whatever addon of the
library defines it (a future one included), except the stand-in targets of the
test addon (``ov.test.target``), which play the part of a native class.
"""


def governed_target_models(env):
    pairs = env["ov.sa.association.mixin"]._ov_concrete_models()
    return {env[name]._ov_target_model() for name in pairs}


def library_models(env, transient=True):
    """Names of the library's concrete models, sorted."""
    targets = governed_target_models(env)
    return sorted(
        name
        for name, model in env.registry.items()
        if name.startswith("ov.")
        and not model._abstract
        and (transient or not model._transient)
        and name not in targets
    )
