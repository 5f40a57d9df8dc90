"""Notifications in the application: the bell in the navigation and the /notifications list."""
