"""Chatwork front door: webhook in, REST API v2 out (httpx), approvals by reply, tasks for approvers."""
