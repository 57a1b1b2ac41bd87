"""Inlet's command line (``inlet``) and its Docker-free local stack."""
