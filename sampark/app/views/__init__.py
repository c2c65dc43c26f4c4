"""Pages of the volunteer app, by what the volunteer does: today's kits, my booth and settings,
my groups, reporting a rumour, and the files that make the app installable.

A volunteer is a user whose `person` is set. Everything here is that person's own: their
deliveries, the groups they admin, the tips they sent. Anybody else's is a 404.
"""
