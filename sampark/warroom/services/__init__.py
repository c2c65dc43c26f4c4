"""Writes of the war room (issue #4), one module per sub-domain (issue #11):

- `incidents`: opening incidents from alerts, narratives, tips or by hand; taking, releasing and
  moving them; SLA escalation.
- `triage`: the signals of an incident, its severity and SLA deadline.
- `responses`: a response from draft to publication, with its label and approval rule.
- `templates`: response templates.
- `roster`: the duty roster (shifts and hand-over notes).

Import the module you need (`from sampark.warroom.services import incidents as
incident_services`); this package re-exports nothing. The worker step is `warroom.tasks`, reads
are in `warroom.selectors`, and `WarroomError` is in `warroom.errors`.

Every service is keyword-only and atomic, and writes a timeline row (`IncidentEvent`) beside the
core audit row. Other apps are read through their selectors and changed through their services.
"""
