"""The access matrix: every route × every role × own/other objects, against one expectation table."""
