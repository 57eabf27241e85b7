"""Teaches Hypothesis to draw iam-redshift's model types: ``st.from_type(Setup)`` just works.

Hypothesis runs :func:`_hypothesis_setup_hook` when it is imported, through the ``hypothesis``
entry point in ``pyproject.toml``, so that ``import iam_redshift`` itself never imports
Hypothesis. The entry point comes with every install, Hypothesis only with the ``strategies``
extra: this module imports nothing of Hypothesis's at its top, and the strategies are looked up
only when a type is first resolved, so loading the hook never fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__: list[str] = []

# Each model type and the public strategy (in iam_redshift.strategies) that draws it.
_STRATEGIES = (
    ("iam_redshift.model", "Setup", "setups"),
    ("iam_redshift.model", "InstanceRole", "instance_roles"),
    ("iam_redshift.model", "AccessRole", "access_roles"),
    ("iam_redshift.model", "RedshiftCluster", "redshift_clusters"),
    ("iam_redshift.model", "RedshiftServerless", "redshift_serverless"),
    ("iam_redshift.render", "Bundle", "bundles"),
)


def _lazily(name: str) -> Callable[[type], SearchStrategy[Any]]:
    def resolve(_: type) -> SearchStrategy[Any]:
        from iam_redshift import strategies

        strategy: SearchStrategy[Any] = getattr(strategies, name)()
        return strategy

    return resolve


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every model type (called by Hypothesis, once, on import)."""
    import importlib

    from hypothesis import strategies as st

    for module, type_name, strategy in _STRATEGIES:
        st.register_type_strategy(
            getattr(importlib.import_module(module), type_name), _lazily(strategy)
        )
