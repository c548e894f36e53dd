"""The consolidated report: editions and their jobs, the PDF content from revisions, the parts cache, the party PDF."""
