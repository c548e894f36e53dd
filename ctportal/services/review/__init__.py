"""The review round: the workflow (transition table), verdicts and assessments, comments, diffs, timelines."""
