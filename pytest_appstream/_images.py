"""Images: AWS's public base images, the account's private ones, shared ones; their operations.

Every region holds AWS's public base images (:data:`PUBLIC_IMAGES`, ARN with an empty account,
``PUBLIC``, ``AVAILABLE``, ``NATIVE``); any other name in AWS's public naming resolves to a public
image of the platform its name says. Private images belong to the account; an image shared with
it by another account is found by ARN only, as on AWS.

>>> public_platform("AppStream-Graphics-G4dn-WinServer2019-07-01-2025")
'WINDOWS_SERVER_2019'
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any, cast

import attrs
from botocore import xform_name

from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Action, Kind, kinds, register
from ._model import REGION_NAME, Image, members_of, modeled_errors, shape
from ._registry import Entry
from ._seeding import (
    BASE_CREATED_TIME,
    BASE_IMAGES,
    DEFAULT_AGENT_VERSION,
    check_fields,
    check_name,
    check_state,
    default_platform,
    partition,
)
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    act,
    find,
    indexed_page,
    named_page,
    not_found,
    page_of,
    paged,
    poll,
    settled,
)
from ._validation import message, problem

#: The account of AWS's public images: their ARNs have an empty account.
PUBLIC = ""

#: Where an image waits for an action; every other state of the model is in-between.
RESTING_STATES = ("AVAILABLE", "FAILED")

#: DeleteImage: AVAILABLE or FAILED -> DELETING -> gone (ours: the response shows DELETING).
ACTIONS: dict[str, Action] = {
    "DeleteImage": Action(("AVAILABLE", "FAILED"), "DELETING", None, None),
}

#: ``timed`` durations of an image's in-between states (AWS gives none: ours).
DURATIONS: dict[str, tuple[int, str]] = {
    "PENDING": (1800, "ours: AWS gives no figure; creating an image takes tens of minutes"),
    "COPYING": (1800, "ours: AWS gives no figure"),
    "CREATING": (3600, "ours: AWS says a managed image update takes several hours; shortened"),
    "DELETING": (60, "ours: AWS gives no figure"),
}

#: AWS's public base images listed in every region, per platform (AWS's names: the June 2023
#: releases, and the newest at the time of writing). Other public names resolve too.
PUBLIC_IMAGES: dict[str, tuple[str, ...]] = {
    "WINDOWS_SERVER_2016": (
        BASE_IMAGES["WINDOWS_SERVER_2016"],
        "AppStream-WinServer2016-11-10-2025",
    ),
    "WINDOWS_SERVER_2019": (
        BASE_IMAGES["WINDOWS_SERVER_2019"],
        "AppStream-WinServer2019-11-10-2025",
    ),
    "WINDOWS_SERVER_2022": (
        BASE_IMAGES["WINDOWS_SERVER_2022"],
        "AppStream-WinServer2022-11-10-2025",
    ),
    "WINDOWS_SERVER_2025": (
        BASE_IMAGES["WINDOWS_SERVER_2025"],
        "AppStream-WinServer2025-12-18-2025",
    ),
    "AMAZON_LINUX2": (BASE_IMAGES["AMAZON_LINUX2"], "AppStream-AmazonLinux2-02-11-2025"),
    "RHEL8": (BASE_IMAGES["RHEL8"], "AppStream-RHEL8-02-18-2026"),
    "ROCKY_LINUX8": (BASE_IMAGES["ROCKY_LINUX8"], "AppStream-RockyLinux8-02-18-2026"),
}

_OS_PLATFORMS = {
    "WinServer2012R2": "WINDOWS",
    "WinServer2016": "WINDOWS_SERVER_2016",
    "WinServer2019": "WINDOWS_SERVER_2019",
    "WinServer2022": "WINDOWS_SERVER_2022",
    "WinServer2025": "WINDOWS_SERVER_2025",
    "AmazonLinux2": "AMAZON_LINUX2",
    "RHEL8": "RHEL8",
    "RockyLinux8": "ROCKY_LINUX8",
}
#: AWS's public naming: ``AppStream-<OS>-MM-DD-YYYY``, ``AppStream-Graphics-<family>-<OS>-...``,
#: ``Amazon-AppStream2-Sample-Image-MM-DD-YYYY`` (a Windows Server 2019 image: ours).
_PUBLIC_NAME = re.compile(
    r"(?:AppStream-(?:Graphics-(?:G4dn|G5|G6|Design|Pro|Desktop)-)?(?P<os>"
    + "|".join(_OS_PLATFORMS)
    + r")|(?P<sample>Amazon-AppStream2-Sample-Image))-(?P<date>\d\d-\d\d-\d{4})"
)


def public_platform(name: str) -> str | None:
    """The platform of a name in AWS's public naming, or None for another name.

    AWS has the image whatever the client's model knows: a platform the installed model lacks
    (an older botocore) is given as the model's default platform, a value its clients know.
    """
    found = _PUBLIC_NAME.fullmatch(name)
    if found is None:
        return None
    platform = _OS_PLATFORMS[found["os"]] if found["os"] else "WINDOWS_SERVER_2019"
    return (
        platform if platform in getattr(shape("PlatformType"), "enum", ()) else default_platform()
    )


def _released(name: str) -> datetime.datetime:
    month, day, year = map(int, name.rsplit("-", 3)[1:])
    return datetime.datetime(year, month, day, tzinfo=datetime.timezone.utc)


def image_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:appstream:REGION:ACCOUNT:image/NAME`` (an empty account for a public image)."""
    return f"arn:{partition(region)}:appstream:{region}:{account}:image/{name}"


def public_image(region: str, name: str) -> Image | None:
    """AWS's public image ``name`` in ``region``, or None when ``name`` is not in AWS's naming."""
    platform = public_platform(name)
    if platform is None:
        return None
    released = _released(name)
    return Image(
        name=name,
        arn=image_arn(region, PUBLIC, name),
        state="AVAILABLE",
        visibility="PUBLIC",
        display_name=name.replace("-", " "),
        description=f"AWS base image for {platform}, released {released:%Y-%m-%d}",
        platform=platform,
        image_builder_supported=True,
        created_time=released,
        public_base_image_released_date=released,
        appstream_agent_version=DEFAULT_AGENT_VERSION,
        image_type="NATIVE",
    )


# -- seeding -------------------------------------------------------------------------------------

#: The account that owns a seeded ``SHARED`` image when its ``arn`` does not say (ours).
SHARING_ACCOUNT = "210987654321"


def build_image(
    name: object,
    *,
    state: object = "AVAILABLE",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Image:
    """A checked private (or, with ``visibility="SHARED"``, shared) :class:`Image` with realistic
    defaults for every unset field; see the ``appstream_image`` marker.
    """
    checked_name = check_name(name, label="image", source=("CopyImage", "DestinationImageName"))
    checked_state = check_state(state, states=IMAGES.states, label="image")
    snake = {xform_name(m): v for m, v in check_fields(fields, "Image", None).items()}
    visibility = snake.get("visibility", "PRIVATE")
    if visibility == "PUBLIC":
        raise AppStreamUsageError(
            "visibility='PUBLIC' is not allowed; allowed: 'PRIVATE' (the default) or 'SHARED': "
            "AWS's public images are in every region already, and any name in AWS's public "
            "naming (AppStream-WinServer2022-06-12-2023, ...) resolves to one"
        )
    owner = SHARING_ACCOUNT if visibility == "SHARED" else account_id
    platform = snake.get("platform") or default_platform()
    base = PUBLIC_IMAGES.get(platform, (BASE_IMAGES.get(platform, ""),))[-1]
    values: dict[str, Any] = {
        "arn": image_arn(region, owner, checked_name),
        "base_image_arn": image_arn(region, PUBLIC, base) if base else None,
        "display_name": checked_name,
        "visibility": visibility,
        "image_builder_supported": True,
        "platform": platform,
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        "appstream_agent_version": DEFAULT_AGENT_VERSION,
        "latest_appstream_agent_version": "TRUE",
        "image_shared_with_others": "FALSE",
        "image_type": "NATIVE",
        **snake,
    }
    base_arn = values.get("base_image_arn")
    if base_arn and public_platform(base_arn.rpartition("/")[2]):  # its release date, as AWS's
        values.setdefault("public_base_image_released_date", _released(base_arn.rpartition("/")[2]))
    if visibility == "SHARED":
        values.setdefault("image_permissions", {"allowFleet": True, "allowImageBuilder": True})
    return Image.from_fields(name=checked_name, state=checked_state, **values)


IMAGES = register(
    Kind(
        collection="images",
        label="image",
        data_key="images",
        marker="appstream_image",
        record=Image,
        arn_resource="image",
        states_shape="ImageState",
        default_state="AVAILABLE",
        resting_states=RESTING_STATES,
        actions=ACTIONS,
        seeded_default_end="AVAILABLE",
        seeded_ends={"DELETING": None},
        durations=DURATIONS,
        default_duration=1800,
        build=build_image,
        create_operation=None,
        marker_help="seed one private image of the account (fields: snake_case Image members; "
        "visibility='SHARED' for one another account shares with it)",
        order=0,
    )
)

# -- finding images ------------------------------------------------------------------------------


#: Sequence numbers of public images: below every registry's (listings come public first).
_PUBLIC_SEQUENCE_END = 1000


@functools.cache
def _catalog(region: str) -> dict[str, tuple[int, Image]]:
    """AWS's listed public images of ``region`` by name, with their listing order: records shared
    by every fake (they never change), for the platforms of the installed model."""
    found: dict[str, tuple[int, Image]] = {}
    for platform, names in PUBLIC_IMAGES.items():
        for name in names:
            image = public_image(region, name)
            if image is not None and platform == image.platform:
                found[name] = (len(found), image)
    return found


def _public(ctx: Context, region: str, image: Image, sequence: int) -> Entry:
    """An entry for AWS's public ``image``: not stored; what the fake notes of it (deprecation)
    lives in the registry's notes, so it lasts as long as the fake."""
    notes = ctx.registry.notes.get((region, IMAGES.collection, image.name), {})  # read: no write
    return Entry(
        image, IMAGES.collection, sequence=sequence, account=PUBLIC, region=region, data=notes
    )


def public_store(ctx: Context, region: str | None = None) -> dict[str, Entry]:
    """AWS's listed public images of ``region`` (the caller's), as entries, in listing order."""
    where = region or ctx.region
    return {
        name: _public(ctx, where, image, index) for name, (index, image) in _catalog(where).items()
    }


def public_entry(ctx: Context, name: str, region: str | None = None) -> Entry | None:
    """AWS's public image ``name``: listed, or resolved from AWS's naming (never listed)."""
    where = region or ctx.region
    listed = _catalog(where).get(name)
    if listed is not None:
        return _public(ctx, where, listed[1], listed[0])
    image = public_image(where, name)
    return None if image is None else _public(ctx, where, image, _PUBLIC_SEQUENCE_END - 1)


def deprecate(ctx: Context, name: str) -> None:
    """Mark AWS's public image ``name`` deprecated: builders and fleets can no longer use it."""
    entry = public_entry(ctx, name)
    if entry is None:
        raise AppStreamUsageError(
            f"name={name!r} is not one of AWS's public images; allowed: a name in AWS's "
            "public naming, e.g. AppStream-WinServer2022-06-12-2023"
        )
    ctx.registry.notes.setdefault((entry.region, IMAGES.collection, name), {})["deprecated"] = True


def _owned(ctx: Context, name: str) -> Entry | None:
    """The account's own image ``name`` (not one shared with it), as a call sees it."""
    own = find(ctx, IMAGES, name)
    return own if own is not None and getattr(own.record, "visibility", None) != "SHARED" else None


def by_name(ctx: Context, name: str) -> Entry | None:
    """The image ``name`` a call may name: the account's own, then AWS's (shared: by ARN only)."""
    return _owned(ctx, name) or public_entry(ctx, name)


def _arn_parts(ctx: Context, arn: str) -> tuple[str, str] | None:
    """(account, name) of an image ARN of the caller's region and partition, or None."""
    prefix = f"arn:{partition(ctx.region)}:appstream:{ctx.region}:"
    if not arn.startswith(prefix) or ":image/" not in arn:
        return None
    account, _, name = arn[len(prefix) :].partition(":image/")
    return account, name


def by_arn(ctx: Context, arn: str) -> Entry | None:
    """The image with ARN ``arn`` in the caller's region: public, the account's own, or shared."""
    parts = _arn_parts(ctx, arn)
    if parts is None:
        return None
    account, name = parts
    if account == PUBLIC:
        return public_entry(ctx, name)
    own = find(ctx, IMAGES, name)
    return own if own is not None and getattr(own.record, "arn", None) == arn else None


def not_available(
    name: str, state: str, code: str = "ResourceNotAvailableException"
) -> ServiceError:
    """AWS's error for an image in the wrong state: ``The image X is DEPRECATED. The image must
    be in an AVAILABLE state for this action to succeed.``"""
    return ServiceError(
        code,
        f"The image {name} is {state}. The image must be in an AVAILABLE state for this action "
        "to succeed.",
    )


def usable(
    ctx: Context, *, name: str | None = None, arn: str | None = None, purpose: str = ""
) -> Entry:
    """The image a builder or fleet is created from: it exists and is AVAILABLE, else AWS's error.

    ``ResourceNotFoundException`` (``The image X for account Y does not exist.``) or
    ``ResourceNotAvailableException`` (``The image X is DEPRECATED. The image must be in an
    AVAILABLE state for this action to succeed.``).
    A shared image whose permissions deny ``purpose`` (``allowImageBuilder``, ``allowFleet``) is
    not available either.
    """
    entry = by_name(ctx, name) if name is not None else by_arn(ctx, arn or "")
    shown = name if name is not None else (arn or "").rpartition("/")[2]
    if entry is None:
        raise not_found(ctx, IMAGES, shown)
    permissions = getattr(entry.record, "image_permissions", None)
    if purpose and permissions is not None and permissions.get(purpose) is False:
        raise ServiceError(
            "ResourceNotAvailableException",
            f"The image {shown} is shared with account {ctx.account} without {purpose}.",
        )
    state = "DEPRECATED" if entry.data.get("deprecated") else entry.state
    if state != "AVAILABLE":
        raise not_available(shown, state)
    return entry


def ensure(ctx: Context, arn: str, platform: str | None) -> None:
    """Make the image ``arn`` of a seeded builder or fleet exist (seeding states a world).

    AWS's names resolve to public images; an unknown image of the account is added as a private
    AVAILABLE image, of another account as a shared one.
    """
    parts = _arn_parts(ctx, arn)
    if parts is None or by_arn(ctx, arn) is not None:
        return  # another region or partition (the seed says so), or it exists
    account, name = parts
    if account == PUBLIC or find(ctx, IMAGES, name) is not None:
        return
    fields: dict[str, Any] = {"platform": platform} if platform else {}
    if account != ctx.account:
        fields.update(visibility="SHARED", arn=arn)
    try:
        image = build_image(name, region=ctx.region, account_id=ctx.account, index=0, **fields)
    except AppStreamUsageError:
        return  # not an image name AWS allows: the seed's own checks speak for it
    ctx.registry.seed(ctx.account, ctx.region, image, kind=IMAGES.collection)


# -- operations ----------------------------------------------------------------------------------


def _visible(ctx: Context, kind_: str | None) -> list[Entry]:
    """The images a listing shows, in listing order: public, then private, then shared."""
    own = list(ctx.store(IMAGES).values())
    public = list(public_store(ctx).values())
    shared = [e for e in own if getattr(e.record, "visibility", None) == "SHARED"]
    private = [e for e in own if getattr(e.record, "visibility", None) != "SHARED"]
    chosen = {"PUBLIC": public, "PRIVATE": private, "SHARED": shared}
    found = [*public, *private, *shared] if kind_ is None else chosen[kind_]
    return sorted(found, key=lambda e: e.sequence)


def describe_images(ctx: Context, params: Params) -> Response:
    """DescribeImages: by ``Names`` (public or own) or ``Arns`` (also shared), or every image the
    account sees, filtered by ``Type``; pages of ``MaxResults`` (at most 25).
    """
    names, arns = params.get("Names"), params.get("Arns")
    if names is not None and arns is not None:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "Names and Arns cannot be specified together. Specify either names or ARNs.",
        )
    operation = "DescribeImages"
    if names is not None or arns is not None:

        def lookup(item: str) -> Entry:
            entry = by_name(ctx, item) if names is not None else by_arn(ctx, item)
            if entry is None:
                raise not_found(ctx, IMAGES, item if names is not None else item.rpartition("/")[2])
            return entry

        wanted = names if names is not None else arns
        assert wanted is not None
        page, next_token = named_page(ctx, operation, params, wanted, lookup)
    else:
        page, next_token = page_of(ctx, operation, params, _visible(ctx, params.get("Type")))
    page = [e for e in (settled(ctx, e) for e in page) if e is not None]
    poll(page)
    return paged({"Images": [_shown(ctx, e) for e in page]}, next_token)


def _shown(ctx: Context, entry: Entry) -> dict[str, Any]:
    """An image as the caller sees it: ``ImageSharedWithOthers`` from its permissions."""
    items = entry.record.wire_items()
    if (
        entry.account == ctx.account
        and getattr(entry.record, "visibility", None) == "PRIVATE"
        and "ImageSharedWithOthers" in members_of("Image")  # an older model lacks it
    ):
        items["ImageSharedWithOthers"] = "TRUE" if entry.data.get("shared") else "FALSE"
    return items


def _own(ctx: Context, name: str, operation: str) -> Entry:
    """The account's own image ``name`` (public: OperationNotPermitted where the model lists it)."""
    entry = _owned(ctx, name)
    if entry is not None:
        return entry
    if public_entry(ctx, name) is not None and "OperationNotPermittedException" in modeled_errors(
        operation
    ):
        raise ServiceError(
            "OperationNotPermittedException",
            f"The image {name} is an AWS public image. Only images of account {ctx.account} "
            "can be changed.",
        )
    raise not_found(ctx, IMAGES, name)


def users_of(ctx: Context, arn: str) -> list[str]:
    """What live resources are made from the image ``arn`` (``image builder b``, ...), as a read
    sees them now (a deletion that is due has completed)."""
    found = []
    for of in kinds():
        for entry in list(ctx.store(of).values()):
            live = settled(ctx, entry)
            if live is not None and getattr(live.record, "image_arn", None) == arn:
                found.append(f"{of.label} {live.name}")
    return found


def delete_image(ctx: Context, params: Params) -> Response:
    """DeleteImage: the account's image, not in use by a builder or fleet and not shared."""
    name = params["Name"]
    entry = _own(ctx, name, "DeleteImage")
    users = users_of(ctx, getattr(entry.record, "arn", ""))
    if users:
        raise ServiceError(
            "ResourceInUseException",
            f"The image {name} is in use by {', '.join(users)}. Delete them or change their "
            "image, then try again.",
        )
    if entry.data.get("shared"):
        raise ServiceError(
            "ResourceInUseException",
            f"The image {name} is shared with {len(entry.data['shared'])} account(s). Remove "
            "all sharing permissions, then try again.",
        )
    entry = act(ctx, IMAGES, "DeleteImage", name)
    return {"Image": _shown(ctx, entry)}


#: CopyImage: at most this many copies under way into one region (AWS's quota).
MAX_CONCURRENT_COPIES = 2


def copy_image(ctx: Context, params: Params) -> Response:
    """CopyImage: an AVAILABLE image of the account into a region, COPYING -> AVAILABLE."""
    source_name = params["SourceImageName"]
    target_name, region = params["DestinationImageName"], params["DestinationRegion"]
    if not REGION_NAME.fullmatch(region) or partition(region) != partition(ctx.region):
        raise ServiceError(
            "ValidationException",
            message(
                [
                    problem(
                        region,
                        "destinationRegion",
                        f"Member must be a region of the {partition(ctx.region)} partition",
                    )
                ]
            ),
        )
    source = _owned(ctx, source_name)
    if source is None:
        if public_entry(ctx, source_name) is not None:
            raise ServiceError(
                "IncompatibleImageException",
                f"The image {source_name} is an AWS public image. Only images of account "
                f"{ctx.account} can be copied.",
            )
        raise not_found(ctx, IMAGES, source_name)
    if source.state != "AVAILABLE":
        raise not_available(source_name, source.state)
    target_ctx = Context(ctx.registry, ctx.account, region, ctx.policy, ctx.polls, ctx.clock)
    if find(target_ctx, IMAGES, target_name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The image {target_name} already exists for account {ctx.account} in {region}.",
        )
    copying = [e for e in target_ctx.store(IMAGES).values() if e.state == "COPYING"]
    if len(copying) >= MAX_CONCURRENT_COPIES:
        raise ServiceError(
            "LimitExceededException",
            f"{len(copying)} images are being copied into {region} for account {ctx.account}; "
            f"at most {MAX_CONCURRENT_COPIES} copies may be under way into one region.",
        )
    record = source.record
    copied = attrs.evolve(
        cast(Image, record),
        name=target_name,
        arn=image_arn(region, ctx.account, target_name),
        state="COPYING",
        description=params.get("DestinationImageDescription", getattr(record, "description", None)),
        created_time=ctx.clock.now(),
        image_builder_name=None,
    )
    entry = ctx.registry.seed(ctx.account, region, copied, "CopyImage", IMAGES.collection)
    entry.pending = target_ctx.pending(IMAGES, "COPYING", "AVAILABLE")
    return {"DestinationImageName": target_name}


#: Image names may not begin with these (the Image Assistant and managed updates refuse them).
RESERVED_PREFIXES = ("aws", "appstream", "amazon")


def create_updated_image(ctx: Context, params: Params) -> Response:
    """CreateUpdatedImage: a new image from an own AVAILABLE one with the newest agent, CREATING
    -> AVAILABLE; ``dryRun`` only says whether it can (``canUpdateImage``).
    """
    existing = _own(ctx, params["existingImageName"], "CreateUpdatedImage")
    if existing.state != "AVAILABLE":
        code = (
            "ConcurrentModificationException"
            if IMAGES.in_between(existing.state)
            else "OperationNotPermittedException"
        )
        raise not_available(existing.name, existing.state, code)
    new_name = params["newImageName"]
    if new_name.lower().startswith(RESERVED_PREFIXES):
        raise ServiceError(
            "OperationNotPermittedException",
            f"The image name {new_name} is not allowed: it can't begin with Amazon, AWS, or "
            "AppStream.",
        )
    if find(ctx, IMAGES, new_name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The image {new_name} already exists for account {ctx.account}.",
        )
    record = existing.record
    can_update = getattr(record, "latest_appstream_agent_version", None) != "TRUE"
    if params.get("dryRun"):
        return {"image": _shown(ctx, existing), "canUpdateImage": can_update}
    updated = attrs.evolve(
        cast(Image, record),
        name=new_name,
        arn=image_arn(ctx.region, ctx.account, new_name),
        state="CREATING",
        display_name=params.get("newImageDisplayName", new_name),
        description=params.get("newImageDescription"),
        created_time=ctx.clock.now(),
        appstream_agent_version=DEFAULT_AGENT_VERSION,
        latest_appstream_agent_version="TRUE",
        image_builder_name=None,
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, updated, "CreateUpdatedImage", IMAGES.collection
    )
    entry.tags = dict(params.get("newImageTags", {}))
    entry.pending = ctx.pending(IMAGES, "CREATING", "AVAILABLE")
    return {"image": _shown(ctx, entry), "canUpdateImage": can_update}


#: UpdateImagePermissions: at most this many accounts per image (AWS's quota).
MAX_SHARED_ACCOUNTS = 100


def _shared(entry: Entry) -> dict[str, dict[str, bool]]:
    """The accounts an image is shared with (a copy: a change is stored with :func:`_share`)."""
    return dict(entry.data.get("shared", {}))


def _share(entry: Entry, shared: dict[str, dict[str, bool]]) -> None:
    entry.data["shared"] = shared


def update_image_permissions(ctx: Context, params: Params) -> Response:
    """UpdateImagePermissions: share an own AVAILABLE image with an account (or change how)."""
    name, account = params["Name"], params["SharedAccountId"]
    entry = _own(ctx, name, "UpdateImagePermissions")
    if entry.state != "AVAILABLE":
        raise not_available(name, entry.state)
    shared = _shared(entry)
    if account not in shared and len(shared) >= MAX_SHARED_ACCOUNTS:
        raise ServiceError(
            "LimitExceededException",
            f"The image {name} is shared with {len(shared)} accounts, the most allowed.",
        )
    shared[account] = dict(params["ImagePermissions"])
    _share(entry, shared)
    return {}


def delete_image_permissions(ctx: Context, params: Params) -> Response:
    """DeleteImagePermissions: stop sharing an own image with an account."""
    name, account = params["Name"], params["SharedAccountId"]
    entry = _own(ctx, name, "DeleteImagePermissions")
    shared = _shared(entry)
    if account not in shared:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The image {name} is not shared with account {account}.",
        )
    del shared[account]
    _share(entry, shared)
    return {}


def describe_image_permissions(ctx: Context, params: Params) -> Response:
    """DescribeImagePermissions: the accounts an own image is shared with, and how."""
    name = params["Name"]
    entry = _own(ctx, name, "DescribeImagePermissions")
    wanted = params.get("SharedAwsAccountIds")
    rows = [
        {"sharedAccountId": account, "imagePermissions": dict(permissions)}
        for account, permissions in sorted(_shared(entry).items())
        if wanted is None or account in wanted
    ]
    page, token = indexed_page(ctx, "DescribeImagePermissions", params, rows)
    return paged({"Name": name, "SharedImagePermissionsList": page}, token)


# -- imported images ------------------------------------------------------------------------------

#: An IAM role's ARN: ``arn:aws:iam::<account>:role/<path and name>``.
_ROLE_ARN = re.compile(r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def check_role(ctx: Context, arn: str) -> None:
    """An IAM role's ARN, as AWS assumes it for the account (any other ARN is InvalidRole)."""
    if not _ROLE_ARN.fullmatch(arn):
        raise ServiceError(
            "InvalidRoleException",
            f"WorkSpaces Applications encountered an error because your IAM role {arn} is not "
            f"valid for account {ctx.account}. Specify the ARN of an IAM role "
            "(arn:aws:iam::<account>:role/<name>) that appstream.amazonaws.com can assume.",
        )


def _applications(catalog: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``Applications`` of an imported image, from its ``AppCatalogConfig``."""
    return [
        {
            "Name": app["Name"],
            "DisplayName": app.get("DisplayName", app["Name"]),
            "LaunchPath": app["AbsoluteAppPath"],
            "Enabled": True,
            **{m: app[m] for m in ("LaunchParameters", "WorkingDirectory") if m in app},
        }
        for app in catalog
    ]


def create_imported_image(ctx: Context, params: Params) -> Response:
    """CreateImportedImage: a new private image from an AMI or WorkSpaces image, IMPORTING -> AVAILABLE.

    ``SourceAmiId`` makes a ``CUSTOM`` image, ``WorkspaceImageId`` a ``BYOL`` one; ``DryRun``
    checks everything and creates nothing (DryRunOperationException).
    """
    name = params["Name"]
    sources = [member for member in ("SourceAmiId", "WorkspaceImageId") if member in params]
    if len(sources) != 1:
        which = "Both were" if sources else "Neither was"
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"Either SourceAmiId or WorkspaceImageId must be specified, but not both. {which} "
            "specified.",
        )
    role = params.get("IamRoleArn")
    if role is None and "SourceAmiId" in params:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "IamRoleArn must be specified with SourceAmiId: WorkSpaces Applications assumes the "
            "role to access the AMI.",
        )
    if name.lower().startswith(RESERVED_PREFIXES):
        raise ServiceError(
            "OperationNotPermittedException",
            f"The image name {name} is not allowed: it can't begin with Amazon, AWS, or AppStream.",
        )
    if find(ctx, IMAGES, name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The image {name} already exists for account {ctx.account}.",
        )
    if role is not None:
        check_role(ctx, role)
    if params.get("DryRun"):
        raise ServiceError(
            "DryRunOperationException",
            f"The image {name} can be imported for account {ctx.account}: every check passed "
            "and nothing was created (DryRun).",
        )
    byol = "WorkspaceImageId" in params
    platforms = getattr(shape("PlatformType"), "enum", ())
    platform = "WINDOWS_11" if byol and "WINDOWS_11" in platforms else default_platform()
    image = Image.from_fields(
        name=name,
        arn=image_arn(ctx.region, ctx.account, name),
        state="IMPORTING",
        display_name=params.get("DisplayName") or name,
        description=params.get("Description"),
        visibility="PRIVATE",
        image_builder_supported=True,
        platform=platform,
        created_time=ctx.clock.now(),
        appstream_agent_version=DEFAULT_AGENT_VERSION,
        latest_appstream_agent_version="TRUE",
        image_shared_with_others="FALSE",
        image_type="BYOL" if byol else "CUSTOM",
        applications=_applications(params.get("AppCatalogConfig", [])) or None,
    )
    entry = ctx.registry.seed(ctx.account, ctx.region, image, "CreateImportedImage", "images")
    entry.tags = dict(params.get("Tags", {}))
    entry.pending = ctx.pending(IMAGES, "IMPORTING", "AVAILABLE")
    return {"Image": _shown(ctx, entry)}


HANDLERS: dict[str, Handler] = {
    "DescribeImages": describe_images,
    "DeleteImage": delete_image,
    "CopyImage": copy_image,
    "CreateUpdatedImage": create_updated_image,
    "DescribeImagePermissions": describe_image_permissions,
    "UpdateImagePermissions": update_image_permissions,
    "DeleteImagePermissions": delete_image_permissions,
    "CreateImportedImage": create_imported_image,
}
