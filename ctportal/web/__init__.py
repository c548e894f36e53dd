"""The web layer's wiring: templating, navigation, the sign-in session, Flask extensions."""
