"""User pool users and their stacks; and their operations.

A user of AppStream's user pool is keyed by its user name (an email address) and is ``ENABLED``
or ``DISABLED`` (AWS's ``Enabled``). Its stacks are kept in its entry's ``data["stacks"]`` (stack
name -> the stack's creation number, so a stack deleted and created again under the same name is
not the one the user was assigned to).

>>> USERS.actions["DisableUser"].to
'DISABLED'
>>> user_arn("us-east-1", "123456789012", "ann@example.com")
'arn:aws:appstream:us-east-1:123456789012:user/userpool/dba0e809-23fe-40f7-90b1-dc5c54ae33eb'
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Action, Kind, register
from ._model import Record, aware
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, partition, show
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    act,
    find,
    indexed_page,
    page_of,
    paged,
    read,
)
from ._validation import compiled


@attrs.frozen(kw_only=True)
class User(Record):
    """One User as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "User"
    KEY_FIELD: ClassVar[str] = "user_name"

    user_name: str
    arn: str | None = None
    enabled: bool | None = None
    status: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    authentication_type: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def state(self) -> str:
        """``ENABLED`` or ``DISABLED`` (AWS's ``Enabled``): a user's history is EnableUser and
        DisableUser (ours: the model has no user state)."""
        return "DISABLED" if self.enabled is False else "ENABLED"

    def with_state(self, state: str, **changes: Any) -> User:
        """A copy enabled (``ENABLED``) or disabled, with ``changes``."""
        return attrs.evolve(self.changed(changes), enabled=state == "ENABLED")


#: The only authentication type whose users the API manages (AWS: "You must specify USERPOOL").
USER_POOL = "USERPOOL"
#: A user's states: its ``Enabled`` (ours: the model has no user state).
STATES = ("ENABLED", "DISABLED")
#: ``Status`` of a user CreateUser makes (AWS: "UNCONFIRMED - The user is created but not
#: confirmed": the user has not signed in with the temporary password of the welcome email).
CREATED_STATUS = "UNCONFIRMED"
#: ``Status`` of a seeded user (ours: a seed states a user who has signed in, as in AWS's sample
#: DescribeUsers output); ``status=`` sets another.
SEEDED_STATUS = "CONFIRMED"
#: The most associations one DescribeUserStackAssociations page holds: the model's output list
#: holds 1 to 25, whatever ``MaxResults`` (0 to 500) asks (an empty answer has no list).
MAX_ASSOCIATIONS_PAGE = 25
#: Users in the user pool of one account and region (AWS's default quota).
MAX_USERS = 50

#: Enable and disable take effect at once (there is no in-between state), and either works on
#: a user already in the state it asks for (ours: AWS documents no error for it, and the models
#: of EnableUser and DisableUser list none that would fit).
ACTIONS: dict[str, Action] = {
    "EnableUser": Action(("DISABLED",), "ENABLED", "ENABLED", None, unchanged=("ENABLED",)),
    "DisableUser": Action(("ENABLED",), "DISABLED", "DISABLED", None, unchanged=("DISABLED",)),
}

_USER_NAME = compiled(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+")


def user_arn(region: str, account_id: str, user_name: str) -> str:
    """``arn:aws:appstream:REGION:ACCOUNT:user/userpool/<id>``: AWS's form; the id is shaped like
    a UUID and made from the account, region and user name (the same user, the same ARN)."""
    digest = hashlib.sha256(f"{account_id}/{region}/{user_name}".encode()).hexdigest()
    user_id = uuid.UUID(hex=digest[:32], version=4)
    return f"arn:{partition(region)}:appstream:{region}:{account_id}:user/userpool/{user_id}"


# -- seeding -------------------------------------------------------------------------------------


def check_user_name(name: object, argument: str = "user_name") -> str:
    """A user name as AWS accepts it: 1 to 128 characters of the model's pattern."""
    if not isinstance(name, str) or not 1 <= len(name) <= 128 or _USER_NAME.fullmatch(name) is None:
        size = f" ({len(name)} characters)" if isinstance(name, str) else ""
        raise AppStreamUsageError(
            f"{argument}={show(name)}{size} is not a valid user name; allowed: 1 to 128 "
            "letters, digits, symbols or punctuation, no spaces (AWS's users are email "
            "addresses: 'ann@example.com')"
        )
    return name


def build_user(
    name: object,
    *,
    state: object = "ENABLED",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> User:
    """A checked user-pool :class:`User` with realistic values for every unset field; see the
    ``appstream_user`` marker."""
    user_name = check_user_name(name)
    if not isinstance(state, str) or state not in STATES:  # check_state would say "an user"
        raise AppStreamUsageError(
            f"state={show(state)} is not a user state; allowed: {', '.join(STATES)}"
        )
    checked_state = state
    for own in ("user_name", "enabled"):
        if own in fields:
            raise AppStreamUsageError(
                f"{own}={show(fields[own])} is not allowed; allowed: "
                + (
                    "the user name as the first argument"
                    if own == "user_name"
                    else "state='ENABLED' or state='DISABLED' (a user's state is its Enabled)"
                )
            )
    snake = {xform_name(m): v for m, v in check_fields(fields, "User", "CreateUser").items()}
    if snake.get("authentication_type", USER_POOL) != USER_POOL:
        raise AppStreamUsageError(
            f"authentication_type={snake['authentication_type']!r} is not allowed; allowed: "
            f"{USER_POOL!r} (the API manages user pool users only)"
        )
    values: dict[str, Any] = {
        "arn": user_arn(region, account_id, user_name),
        "status": SEEDED_STATUS,
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        "authentication_type": USER_POOL,
        **snake,
    }
    return User.from_fields(user_name=user_name, enabled=checked_state == "ENABLED", **values)


def _seeded(ctx: Context, entry: Entry, stacks: object = ()) -> None:
    """A seeded user's ``stacks=``: live stacks, none with a domain-joined fleet."""
    if not isinstance(stacks, (list, tuple)) or not all(isinstance(s, str) for s in stacks):
        raise AppStreamUsageError(
            f"stacks={show(stacks)} is not allowed; allowed: a list of the names of stacks "
            "seeded first (stacks=['main'])"
        )
    assigned: dict[str, int] = {}
    for name in stacks:
        stack = ctx.registry.get(ctx.account, ctx.region, name, "stacks")
        if stack is None:
            live = ", ".join(ctx.registry.store(ctx.account, ctx.region, "stacks")) or "none"
            raise AppStreamUsageError(
                f"stacks={show(stacks)}: there is no stack {name!r} in "
                f"{ctx.account}/{ctx.region}; allowed: stacks seeded first (live: {live})"
            )
        fleet = domain_joined_fleet(ctx, stack)
        if fleet is not None:
            raise AppStreamUsageError(
                f"stacks={show(stacks)}: user pool users cannot be assigned to stack {name!r}: "
                f"its fleet {fleet!r} is joined to a Microsoft Active Directory domain (AWS "
                "refuses it); allowed: stacks whose fleet is not domain-joined"
            )
        assigned[name] = stack.sequence
    entry.data["stacks"] = assigned


USERS = register(
    Kind(
        collection="users",
        label="user",
        data_key="users",
        marker="appstream_user",
        record=User,
        arn_resource="user",
        states_shape="",
        state_values=STATES,
        default_state="ENABLED",
        resting_states=STATES,
        actions=ACTIONS,
        build=build_user,
        create_operation="CreateUser",
        on_seed=_seeded,
        taggable=False,
        order=4,
        key_argument="user_name",
        links={"stacks": ()},
        marker_help="seed one user of the user pool (state ENABLED or DISABLED; stacks: the "
        "names of seeded stacks it is assigned to; fields: snake_case User members)",
    )
)


# -- stacks of users -----------------------------------------------------------------------------


def _stack(ctx: Context, name: str) -> Entry | None:
    """The live stack ``name`` (read, never written)."""
    return ctx.registry.get(ctx.account, ctx.region, name, "stacks")


def domain_joined_fleet(ctx: Context, stack: Entry) -> str | None:
    """The name of the stack's live fleet if it is joined to a domain, else None."""
    for fleet_name in stack.data.get("fleets", ()):
        fleet = ctx.registry.get(ctx.account, ctx.region, fleet_name, "fleets")
        info = getattr(fleet.record, "domain_join_info", None) if fleet is not None else None
        if info and info.get("DirectoryName"):
            return str(fleet_name)
    return None


def stacks_of(ctx: Context, user: Entry) -> list[str]:
    """The live stacks ``user`` is assigned to, in the order they were assigned (a stack deleted
    since, even if created again under its name, is left out)."""
    found = []
    for name, sequence in user.data.get("stacks", {}).items():
        stack = _stack(ctx, name)
        if stack is not None and stack.sequence == sequence:
            found.append(name)
    return found


# -- operations ----------------------------------------------------------------------------------


def _pool_user(ctx: Context, params: Params) -> Entry:
    """The user pool user a call names; another authentication type has none."""
    name, kind_ = params["UserName"], params["AuthenticationType"]
    if kind_ != USER_POOL:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The user {name} for account {ctx.account} does not exist with authentication "
            f"type {kind_}. You must specify {USER_POOL}.",
        )
    return read(ctx, USERS, name)


def create_user(ctx: Context, params: Params) -> Response:
    """CreateUser: a new ENABLED user pool user, ``Status`` UNCONFIRMED; ``MessageAction``
    RESEND re-sends the welcome email of an existing user instead."""
    name, kind_ = params["UserName"], params["AuthenticationType"]
    if kind_ != USER_POOL:
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"Cannot create a user with '{kind_}' authentication type",
        )
    existing = find(ctx, USERS, name)
    if params.get("MessageAction") == "RESEND":
        if "FirstName" in params or "LastName" in params:
            raise ServiceError(
                "InvalidParameterCombinationException",
                "FirstName and LastName cannot be specified with the RESEND message action.",
            )
        if existing is None:
            raise ServiceError(
                "OperationNotPermittedException",
                f"The user {name} for account {ctx.account} does not exist. The RESEND message "
                "action re-sends the welcome email to an existing user.",
            )
        return {}
    if existing is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The user {name} already exists for account {ctx.account}.",
        )
    if len(ctx.store(USERS)) >= MAX_USERS:
        raise ServiceError(
            "LimitExceededException",
            f"The user pool of account {ctx.account} has {MAX_USERS} users, the most allowed.",
        )
    user = User(
        user_name=name,
        arn=user_arn(ctx.region, ctx.account, name),
        enabled=True,
        status=CREATED_STATUS,
        first_name=params.get("FirstName"),
        last_name=params.get("LastName"),
        created_time=ctx.clock.now(),
        authentication_type=USER_POOL,
    )
    ctx.registry.seed(ctx.account, ctx.region, user, "CreateUser", USERS.collection)
    return {}


def describe_users(ctx: Context, params: Params) -> Response:
    """DescribeUsers: the user pool's users (``AuthenticationType`` USERPOOL), in pages."""
    kind_ = params["AuthenticationType"]
    if kind_ != USER_POOL:
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"Cannot describe users with '{kind_}' authentication type. You must specify "
            f"{USER_POOL}.",
        )
    page, token = page_of(ctx, "DescribeUsers", params, list(ctx.store(USERS).values()))
    return paged({"Users": [entry.record.wire_items() for entry in page]}, token)


def _set_enabled(ctx: Context, params: Params, operation: str) -> Response:
    _pool_user(ctx, params)
    entry = act(ctx, USERS, operation, params["UserName"])
    entry.pending = None  # at once: a user has no in-between state
    return {}


def enable_user(ctx: Context, params: Params) -> Response:
    """EnableUser: the user can sign in again (an enabled user stays enabled)."""
    return _set_enabled(ctx, params, "EnableUser")


def disable_user(ctx: Context, params: Params) -> Response:
    """DisableUser: the user can no longer sign in; its stacks stay assigned."""
    return _set_enabled(ctx, params, "DisableUser")


def delete_user(ctx: Context, params: Params) -> Response:
    """DeleteUser: the user and its stack assignments are gone at once (enabled or not)."""
    entry = _pool_user(ctx, params)
    ctx.registry.remove(ctx.account, ctx.region, entry.name, "DeleteUser", USERS.collection)
    return {}


def _association_error(row: Params, code: str, message: str) -> dict[str, Any]:
    return {"UserStackAssociation": dict(row), "ErrorCode": code, "ErrorMessage": message}


def _batch(ctx: Context, params: Params, assign: bool) -> Response:
    """Check every entry, refuse the call if any is not permitted, then apply the good ones."""
    errors: list[dict[str, Any]] = []
    good: list[tuple[Entry, str, int]] = []
    refused: list[str] = []
    for row in params["UserStackAssociations"]:
        stack_name, user_name = row["StackName"], row["UserName"]
        stack = _stack(ctx, stack_name)
        user = find(ctx, USERS, user_name) if row["AuthenticationType"] == USER_POOL else None
        if stack is None:
            errors.append(
                _association_error(
                    row,
                    "STACK_NOT_FOUND",
                    f"The stack {stack_name} for account {ctx.account} does not exist.",
                )
            )
        elif user is None:
            errors.append(
                _association_error(
                    row,
                    "USER_NAME_NOT_FOUND",
                    f"The user {user_name} with authentication type "
                    f"{row['AuthenticationType']} for account {ctx.account} does not exist.",
                )
            )
        else:
            fleet = domain_joined_fleet(ctx, stack) if assign else None
            if fleet is not None:
                refused.append(f"stack {stack_name} (fleet {fleet})")
            good.append((user, stack_name, stack.sequence))
    if refused:
        raise ServiceError(
            "OperationNotPermittedException",
            "User pool users cannot be assigned to stacks whose fleet is joined to a Microsoft "
            f"Active Directory domain: {', '.join(dict.fromkeys(refused))}.",
        )
    for user, stack_name, sequence in good:
        assigned = {name: user.data["stacks"][name] for name in stacks_of(ctx, user)}
        if assign:
            assigned.setdefault(stack_name, sequence)
        else:
            assigned.pop(stack_name, None)
        user.data["stacks"] = assigned
    return {"errors": errors}


def batch_associate_user_stack(ctx: Context, params: Params) -> Response:
    """BatchAssociateUserStack: assign users to stacks; entries that fail are in ``errors``."""
    return _batch(ctx, params, assign=True)


def batch_disassociate_user_stack(ctx: Context, params: Params) -> Response:
    """BatchDisassociateUserStack: unassign users from stacks; failures are in ``errors``."""
    return _batch(ctx, params, assign=False)


def describe_user_stack_associations(ctx: Context, params: Params) -> Response:
    """DescribeUserStackAssociations: by StackName and/or UserName with AuthenticationType."""
    stack_name, user_name = params.get("StackName"), params.get("UserName")
    kind_ = params.get("AuthenticationType")
    if stack_name is None and user_name is None:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "You must specify a stack name, or a user name and its authentication type, or both.",
        )
    if user_name is not None and kind_ is None:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "A user name must be specified with the user's authentication type.",
        )
    rows: list[dict[str, Any]] = []
    if kind_ in (None, USER_POOL):
        for user in list(ctx.store(USERS).values()):
            if user_name is not None and user.name != user_name:
                continue
            rows.extend(
                {"StackName": name, "UserName": user.name, "AuthenticationType": USER_POOL}
                for name in stacks_of(ctx, user)
                if stack_name is None or name == stack_name
            )
    asked = dict(params)
    size = asked.pop("MaxResults", 0)  # 0: the default page (the model allows 0 to 500)
    asked["MaxResults"] = min(size or MAX_ASSOCIATIONS_PAGE, MAX_ASSOCIATIONS_PAGE)
    page, token = indexed_page(ctx, "DescribeUserStackAssociations", asked, rows)
    return paged({"UserStackAssociations": page} if page else {}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateUser": create_user,
    "DescribeUsers": describe_users,
    "EnableUser": enable_user,
    "DisableUser": disable_user,
    "DeleteUser": delete_user,
    "BatchAssociateUserStack": batch_associate_user_stack,
    "BatchDisassociateUserStack": batch_disassociate_user_stack,
    "DescribeUserStackAssociations": describe_user_stack_associations,
}
