"""SymPy models and closed forms, derived from the models (no simulation, no numerics).

The public modules: the noise laws and the multiplicative model x w²/2 shared by the papers,
the number parser, and one module per paper's own derivations."""

__all__ = [
    "errors",  # ParameterError, the one error users see
    "numbers",  # exact parsing of user numbers
    "noise",  # finite, Gaussian and uniform noise laws
    "multiplicative",  # SGD on x w²/2: factors 1 - λx, μ(λ), trap polynomials
    "fokker_planck",  # continuous-time SGD: zero-flux densities (Ziyin et al. App. B/C)
    "quartic",  # the quartic loss (Ziyin et al. §5)
    "sharp_minima",  # sharper minima that attract SGD (Ziyin et al. Prop. 4)
    "toynn",  # the two-layer one-neuron network (Ziyin et al. §6.3)
    "ziyin",  # Ziyin et al.'s two-point law, trap interval and escape rate
    "wu",  # Wu, Ma & E's linear stability of SGD
    "patel",  # Patel's quadratic models and divergence thresholds
    "kleinberg",  # Kleinberg, Li & Yuan's constants and proof steps
    "stability",  # linear stability of SGD at a point of any per-sample loss
]
