"""The privacy notice, written for people, as data: one entry per thing a person can do here.

The notice page is rendered from these entries, and every "how long" names the retention
setting it rests on, so the page shows the period actually configured. A test reads the data
map in docs/data-protection.md and fails if a retention setting it documents is missing from
this notice, or if the notice names a setting the data map does not document: the two
cannot drift apart (docs/decisions/0028).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

# A placeholder such as {CHORUS_CAMPAIGNS_RETENTION_DAYS}: the setting's name, as the data map
# and .env.example spell it.
PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]+)\}")
# Environment variables whose Django setting has another name.
DJANGO_SETTING_FOR = {"STAFF_SESSION_IDLE_SECONDS": "SESSION_COOKIE_AGE"}


@dataclass(frozen=True)
class NoticeEntry:
    """What one feature collects, why, who sees it and for how long, in plain words."""

    slug: str
    feature: str
    collected: str
    why: str
    who_sees_it: str
    how_long: str  # may hold {SETTING_NAME} placeholders, filled from the settings in use

    def retention_settings(self) -> list[str]:
        return PLACEHOLDER.findall(self.how_long)

    def how_long_in_words(self) -> str:
        return PLACEHOLDER.sub(lambda match: period_in_words(match.group(1)), self.how_long)


def period_in_words(setting_name: str) -> str:
    """The configured value of a retention setting, as "180 days", "24 hours" or "1 hour"."""
    value = int(getattr(settings, DJANGO_SETTING_FOR.get(setting_name, setting_name)))
    unit = setting_name.rsplit("_", 1)[1].lower()
    if unit == "seconds":
        value, unit = (value // 3600, "hours") if value % 3600 == 0 else (value // 60, "minutes")
    singular = unit.removesuffix("s")
    return f"{value} {singular if value == 1 else unit}"


NOTICE: tuple[NoticeEntry, ...] = (
    NoticeEntry(
        slug="reading",
        feature="Reading this website",
        collected=(
            "Nothing about you. Pages you only read set no cookies, and nothing on them comes from "
            "another website: no analytics, no adverts, no social media buttons, no fonts or videos "
            "from elsewhere."
        ),
        why="So that nobody, including us, can follow what you read about mental health.",
        who_sees_it="Nobody.",
        how_long="Nothing is kept.",
    ),
    NoticeEntry(
        slug="signing",
        feature="Signing an open letter or petition",
        collected=(
            "Your email address, your name, and if you choose to give them your role or group, your "
            "organisation and your postcode (only when a petition asks for it). How you want your name "
            "shown, and which of the boxes you ticked: to show your name, to get the bulletin, to hear "
            "about this campaign. We also keep a scrambled form of your internet address and of your "
            "email's domain, which cannot be read back, to stop fake signatures."
        ),
        why=(
            "To count your signature, to list your name if you chose to be listed, to deliver the "
            "letter or petition, and to check that each signature is a real person's."
        ),
        who_sees_it=(
            "Our campaigners and administrators. The public, and the people the letter or petition is "
            "delivered to, see only the names of people who chose to be listed, as they chose. Your "
            "email address and postcode are never shown or handed over."
        ),
        how_long=(
            "Until {CHORUS_CAMPAIGNS_RETENTION_DAYS} after the letter or petition closes; then your "
            "details are removed and only the count stays. One with no closing date closes by itself "
            "after {CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS}. A signature you never confirm is deleted after "
            "{CHORUS_CAMPAIGNS_CONFIRM_DAYS}. The scrambled internet address goes after "
            "{CHORUS_CAMPAIGNS_IP_HASH_DAYS}; a block on an address used to send fake signatures lasts "
            "{CHORUS_CAMPAIGNS_IP_BLOCK_DAYS} unless staff choose a shorter time. A printed list of "
            "signatures made for delivery is deleted {CHORUS_CAMPAIGNS_PACK_KEEP_HOURS} after it is made."
        ),
    ),
    NoticeEntry(
        slug="letters",
        feature="Writing to your MP or a decision-maker",
        collected=(
            "Your email address, your name, your postal address and postcode, the letter you write, and "
            "who it goes to (your MP, found from your postcode, or the person the action names). How much "
            "of your letter is like other letters to the same person, worked out from scrambled word "
            "groups that cannot be read back. Later, if you tell us, whether they replied, and their "
            "reply and whether we may share it, if you choose to give them."
        ),
        why=(
            "To send your letter, in your own words, to the office it is for, so that they can answer you; "
            "to send letters at a pace offices can read; to ask you once whether you had a reply; and to "
            "count, without names, how many letters went and were answered."
        ),
        who_sees_it=(
            "The office your letter goes to: your MP's, or the decision-maker's. They get your name, "
            "postal address, postcode and letter, with your email address to reply to. Our campaigners "
            "can read letters when their work needs it, and every time one does it is recorded; other "
            "staff see only numbers. If you let us share a reply, our campaigners may keep its words, "
            "without your name or address, with our notes on the policy it is about."
        ),
        how_long=(
            "Your name, postal address, postcode, letter and any reply you give us are deleted "
            "{CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS} after your letter is delivered (or could not be); "
            "only the count, the constituency and your yes or no about a reply stay. A letter you never "
            "confirm is deleted after {CHORUS_CAMPAIGNS_CONFIRM_DAYS}."
        ),
    ),
    NoticeEntry(
        slug="bulletin",
        feature="Subscribing to the members' bulletin",
        collected=(
            "Your email address, your name if you give it, the topics you chose, when you subscribed and "
            "confirmed, and whether our emails to you bounce. We do not record whether you open the "
            "bulletin or click its links."
        ),
        why="To send you the bulletin you asked for, with the topics you chose.",
        who_sees_it=(
            "Nobody reads the list of subscribers: editors and campaigners see only counts. An "
            "administrator can see an address if a send was interrupted, to check whether it arrived. "
            "If we connect our supporters' database, it gets your details too (see below)."
        ),
        how_long=(
            "While you subscribe. When you unsubscribe, or we stop because emails to you bounce, your "
            "subscription is deleted {BULLETIN_RETENTION_ENDED_DAYS} later."
        ),
    ),
    NoticeEntry(
        slug="supporters-database",
        feature="Our supporters' database",
        collected=(
            "Only while you get the bulletin or have asked to hear about our campaigns: your name, your "
            "email address and whether our emails reach you, your postcode if you gave one, which of "
            "those two you agreed to, the letters and petitions you signed and confirmed, and any labels "
            "our staff gave you there. Never what you told our support desk, your access needs, your "
            "phone number or anything from a grant application."
        ),
        why="So that we can keep in touch with our supporters from one place, if we use one.",
        who_sees_it=(
            "Our own supporters' database (a CRM), if an administrator connects one with a key that "
            "only reads what it needs; every time it reads, that is recorded. Nobody else."
        ),
        how_long=(
            "When you withdraw both agreements, or your record is erased, the database is told to "
            "delete you the next time it checks."
        ),
    ),
    NoticeEntry(
        slug="support",
        feature="Telling us about a policy issue or asking for campaign support",
        collected=(
            "What you tell us: what is happening, where, your group, anything about you that you choose "
            "to share, how you would like us to communicate, and your name, email address and phone "
            "number if you give them. Then the messages between you and us."
        ),
        why=("To answer you, to decide what we work on, and to count (without names) what members raise with us."),
        who_sees_it=(
            "Our caseworkers and administrators, and every time one of them opens your request it is "
            "recorded. Our emails to you never contain what anyone wrote, only a link."
        ),
        how_long=(
            "Until {CHORUS_SUPPORT_RETENTION_DAYS} after your request is closed; then what you wrote is "
            "deleted and only an anonymous count stays. A request waiting for your reply closes after "
            "{CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS} without one, and any other request after "
            "{CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS} with no activity; a reply within "
            "{CHORUS_SUPPORT_REOPEN_DAYS} of it closing opens it again. An email address you gave that "
            "is never confirmed as yours is deleted after {CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS}."
        ),
    ),
    NoticeEntry(
        slug="grants",
        feature="Applying for a grant",
        collected=(
            "The email address you start with, your group's name, your name and phone number if you give "
            "them, whether your group is registered, where and its number, your answers (and any recording or "
            "file you send instead, kept encrypted), anything you tell us would help you take part, when "
            "you would like us to call if you ask us to, and, if the round asks for one, your short report."
        ),
        why="To read and decide on your application, to reach you about it, and to meet your access needs.",
        who_sees_it=(
            "Our grants officers and administrators, and the panel members named on the round you apply "
            "to, once you send it: nobody at Chorus sees a draft. Someone who knows your group well "
            "declares it and is kept out. Each time one of them opens your application, that is "
            "recorded. Our decision and our message to you are on your private page; our emails to you "
            "carry only a link and your reference, never your answers or our decision. If your group "
            "gets a grant, we publish your group's name and registration, the amount, the dates and what "
            "the grant is for, on our website and as open data (the 360Giving standard); never your name "
            "or contact details. Our figures about each round count applications and never name a group."
        ),
        how_long=(
            "An application you start but never send is deleted {CHORUS_GRANTS_DRAFT_RETENTION_DAYS} after "
            "the round closes. If we cannot fund an application you send, or you withdraw it, your contact "
            "details, your group's name, your answers and recordings are deleted "
            "{CHORUS_GRANTS_DECLINED_RETENTION_DAYS} after our decision (or after you withdraw); we keep only "
            "counts. If your group gets a grant, we keep its name, registration and the amounts; your "
            "contact details, answers and recordings are deleted {CHORUS_GRANTS_AWARDED_RETENTION_DAYS} after "
            "the funded work was planned to end."
        ),
    ),
    NoticeEntry(
        slug="privacy-requests",
        feature="Seeing, downloading or erasing your data",
        collected=(
            "The email address you type, to send you a private link. We keep only scrambled forms of "
            "the link itself, which cannot be read back."
        ),
        why="So that you can see everything we hold about you, download it, or erase it, without an account.",
        who_sees_it="Nobody. Staff screens never show these links.",
        how_long=(
            "The emailed link works for {CHORUS_PRIVACY_LINK_MINUTES}, and the page it opens for "
            "{CHORUS_PRIVACY_GRANT_MINUTES}. Our records of used or expired links are deleted "
            "{CHORUS_RETENTION_PRIVACY_LINK_DAYS} after they expire."
        ),
    ),
    NoticeEntry(
        slug="your-record",
        feature="Your record and your agreements",
        collected=(
            "One record for each email address, shared by the things above, and a record of each thing "
            "you agreed to: the exact words you saw, when you agreed, and when you withdrew."
        ),
        why="To find everything we hold about you in one place, and to show what you agreed to.",
        who_sees_it="Staff whose work needs it, and every time they look it is recorded.",
        how_long=(
            "When you have no agreement left with us and we hold nothing else about you, your record is "
            "made anonymous after {CHORUS_RETENTION_PERSON_DAYS}. The history of agreements is kept "
            "without your name, as the law asks us to show it."
        ),
    ),
    NoticeEntry(
        slug="behind-the-scenes",
        feature="Emails and forms, behind the scenes",
        collected=(
            "Each email we send waits in a queue until it goes, holding your address encrypted. "
            "When you send a form, we keep a short-lived note of it so that pressing the button twice "
            "does not send it twice. Our background tasks keep a note of what they did."
        ),
        why="So that no email is lost if the mail server is down, and no form is stored twice.",
        who_sees_it="Nobody through our screens.",
        how_long=(
            "Emails: {CHORUS_RETENTION_OUTBOX_DAYS} after they are sent, or {CHORUS_RETENTION_OUTBOX_FAILED_DAYS} "
            "if they could not be sent. Form notes: {CHORUS_RETENTION_SUBMISSION_KEYS_HOURS}. Background "
            "task notes: {CHORUS_RETENTION_TASK_RESULTS_DAYS}."
        ),
    ),
    NoticeEntry(
        slug="staff",
        feature="Staff accounts",
        collected=(
            "For our staff and volunteers who sign in: their username, name, email address, a scrambled "
            "form of their password, their second sign-in step (a passkey, an app or backup codes), "
            "failed sign-in attempts, and a log of what they did with people's data."
        ),
        why="To sign staff in securely and to show who looked at or changed people's data.",
        who_sees_it="Our administrators.",
        how_long=(
            "While the account exists. Staff are signed out after {STAFF_SESSION_IDLE_SECONDS} without "
            "activity, and after {STAFF_SESSION_MAX_SECONDS} at most. Failed sign-in attempts are deleted "
            "after {CHORUS_RETENTION_SIGN_IN_ATTEMPT_DAYS}. The log of what staff did is kept."
        ),
    ),
)
