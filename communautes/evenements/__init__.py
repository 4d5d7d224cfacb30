"""Community events: services, selectors, views, calendar files and reminder e-mails."""
