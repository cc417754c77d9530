"""Short-link tests reuse the engine tests' funded account with a connection and prices."""

from tests.engine.conftest import engine_world  # noqa: F401
