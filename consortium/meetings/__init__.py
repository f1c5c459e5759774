"""Meetings of the groups: agendas, invitations with an iCalendar file, attendance, minutes with
decisions and action items, and the bylaws' governance deadlines."""
