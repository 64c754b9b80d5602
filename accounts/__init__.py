"""Organizations (agencies, employers), their members and roles, applicants and authorisations."""
