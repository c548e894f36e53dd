"""The secretariat's desk: rounds and deadlines, reminders, the progress map, exports, plan versions,
priority actions, audit search."""
