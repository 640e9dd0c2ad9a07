"""Wu, Ma & E's printed formulas that more than one claim module compares with (typed only here)."""

from theory.wu import B, n

#: eq. (8): the batch-noise factor of a uniform subset of size B from n samples
PRINTED_BATCH_FACTOR = (n - B) / (B * (n - 1))
