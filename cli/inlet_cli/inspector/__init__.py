"""``inlet inspect``: a page on 127.0.0.1 that shows, live, every request of a tenant's keys (the request log) and
charts a device's values. It reads with the user's own AWS credentials; the endpoint has no route for it."""
