"""Size limits shared by every way in (the API, the importer, the desk): one place, so an export always
imports again and a line the API would refuse is refused by the importer too."""

STATEMENT_MAX = 5000  # characters
LONG_TEXT_MAX = 10000  # quote, resolution criteria, rationale
TAGS_MAX = 50  # tags per prediction
TAG_MAX = 100  # characters per tag
EVIDENCE_MAX = 100  # evidence items per prediction in one request or import line
PUNDIT_NAME_MAX = 200
EXTERNAL_ID_MAX = 255
