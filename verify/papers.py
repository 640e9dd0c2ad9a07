"""The five papers, keyed as in ../shared/seeds/README.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    key: str
    citation: str
    seed: str


PATEL = Paper("patel", "V. Patel, arXiv 1709.04718v2 (2018)", "000_6d8f42363d0c91a6.txt")
KLEINBERG = Paper("kleinberg", "R. Kleinberg, Y. Li, Y. Yuan, ICML 2018", "001_1208c7c168776e91.txt")
ZIYIN_2021 = Paper("ziyin2021", "L. Ziyin, B. Li, M. Ueda, 'SGD May Never Escape Saddle Points', arXiv 2021", "002_67796aff26107bba.txt")
WU = Paper("wu", "L. Wu, C. Ma, W. E, NeurIPS 2018", "003_ea96bfeb2d704dbe.txt")
ZIYIN_2022 = Paper(
    "ziyin2022",
    "L. Ziyin, B. Li, J. Simon, M. Ueda, 'SGD with a Constant Large Learning Rate Can Converge to Local Maxima', ICLR 2022",
    "004_8fd88ed164d9dc7f.txt",
)
BEYOND = Paper("ext", "sgdverify: results beyond the papers", "")
