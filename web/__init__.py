"""The pages people work in: agency dashboard, workspace, filing sheet, HR portal, applicant view."""
