"""Development tooling: demo loaders, synthetic data, the scope probe and loopback fake servers.

Nothing in the product imports this package (issue #11); tests, `bench/` and `conftest.py` may.
A deployment may leave `sampark.devtools` out of INSTALLED_APPS: `sampark start --no-demo` then
still runs, without the `demo`, `security` and `bench` commands.
"""
