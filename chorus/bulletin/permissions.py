"""Who may send bulletins, and who may see and resolve deliveries in doubt (they show addresses)."""

SEND_PERMISSION = "bulletin.send_bulletin"
RECONCILE_PERMISSION = "bulletin.reconcile_delivery"

ROLE_PERMISSIONS = {
    "Editor": [SEND_PERMISSION],
    "Campaigner": [SEND_PERMISSION],
    "Administrator": [SEND_PERMISSION, RECONCILE_PERMISSION],
}
