"""Who may send bulletins, and who may see and resolve deliveries in doubt (they show addresses)."""

ROLE_PERMISSIONS = {
    "Editor": ["bulletin.send_bulletin"],
    "Campaigner": ["bulletin.send_bulletin"],
    "Administrator": ["bulletin.send_bulletin", "bulletin.reconcile_delivery"],
}
