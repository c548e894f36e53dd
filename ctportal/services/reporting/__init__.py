"""A party's reporting: reports and entries, documents, completeness, progress, revisions (snapshots)."""
