"""The integration API, shaped like OSDI 1.2 (HAL+JSON): what a CRM syncs from."""
