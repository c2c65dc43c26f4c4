"""The randomized scope probe: every endpoint, out-of-scope ids, zero leaks.

It builds a random tree, random users (a random role on a random unit at any level) and random
objects in the tree (persons and positions, directives and their recipients, import jobs, ...)
directly with the ORM, then discovers every URL pattern by walking the resolver (the Ninja API
included) and calls each one, logged in as a random user, with the id of an object that lies
outside that user's visibility.

- An id in the path must get a 404 (a 405 for a method the endpoint does not have). A 400/422
  passes only when an id that does not exist gets the very same answer (input validated before
  the lookup reveals nothing). Anything else (2xx, 3xx, 403, 500, a crash) is a leak.
- An id in a Ninja query parameter or body field (found in the OpenAPI schema) must get a 404 or
  exactly the answer a nonexistent id gets (a filter that finds nothing).
- Any response that names the object or shows its phone is a leak, whatever its status.
- Roll-ups (`booths_total`) for a user's own unit must match a count made here.

Visibility is computed here independently of the app's selectors: the subtree is taken from the
units' materialised paths (the app uses the ancestor id columns), and "outside" is the strict
reading of each rule, so that a hidden object never counts as visible by mistake.

Every parameter name maps to a model in `registry.REGISTRY`. An int parameter that the registry
does not know fails the probe ("add parameter X to the probe registry"), so a new endpoint is
probed from the day it is added. Everything runs inside one transaction that is rolled back at
the end; each request runs in its own savepoint, rolled back too, so a leaking POST cannot change
the world the next probe sees.

The modules: `world` (the objects in memory, the viewers), `build` (the world, one module per
app), `registry` (parameter names -> kinds of object and their visibility), `discovery` (every
URL pattern and where an id goes in it), `prober` (requests and verdicts), `run` (a whole run and
its report).
"""

from __future__ import annotations

from sampark.devtools.probe.run import ProbeReport, run_probe
from sampark.devtools.probe.world import PROBE_CODE, Sizes

__all__ = ["PROBE_CODE", "ProbeReport", "Sizes", "run_probe"]
