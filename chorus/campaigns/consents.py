"""The exact words of the consents on the signing forms, versioned.

Changing a sentence here means a new version: consent records keep the words a person saw.
"""

from __future__ import annotations

from chorus.people.models import ConsentPurpose

WORDING_VERSION = "2026-11"

SHOW_NAME = "Show my name on the public list of people who signed."
BULLETIN = "Send me the weekly members' bulletin by email. I can stop it at any time."
UPDATES = "Send me emails about this campaign, such as when it is delivered. I can stop them at any time."

WORDING: dict[ConsentPurpose, str] = {
    ConsentPurpose.PUBLISH_NAME: SHOW_NAME,
    ConsentPurpose.BULLETIN: BULLETIN,
    ConsentPurpose.CAMPAIGN_UPDATES: UPDATES,
}
