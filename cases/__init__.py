"""Cases, supplement requests (補正/補件), deadlines, readiness and the tenancy rule."""
