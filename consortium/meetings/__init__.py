"""Meetings of the groups: agendas and papers, attendance, minutes, decisions and action items."""
