"""Page models: the plain data each page shows, built in a few queries, so templates never load from the database."""
