# ruff: noqa  (django-machina's peer harness, kept as its authors wrote it)
"""Fills the benchmark database: 1 forum, 1 topic of 300 posts by 30 users, French text.

Run after `manage.py migrate` with DJANGO_SETTINGS_MODULE=settings. Deterministic (fixed
random seed). Only this script's own objects are replaced on a rerun (the bench forum and the
users whose e-mail ends with "@bench.example.org"), so it may use a throwaway PostgreSQL base.
Prints one JSON line: the topic's path and the figures of what was made.
"""

import argparse
import datetime
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from machina.conf import settings as machina_settings  # noqa: E402
from machina.core.db.models import get_model  # noqa: E402

from corpus import TOPIC_SUBJECT, slug_ascii, thread, user_names  # noqa: E402

Forum = get_model("forum", "Forum")
Topic = get_model("forum_conversation", "Topic")
Post = get_model("forum_conversation", "Post")
ForumPermission = get_model("forum_permission", "ForumPermission")
UserForumPermission = get_model("forum_permission", "UserForumPermission")
User = get_user_model()

FORUM_NAME = "Accompagnement des publics"
BENCH_DOMAIN = "@bench.example.org"


@transaction.atomic
def seed(n_posts, n_users, words, rng_seed):
    # Replace only what an earlier run of this script made.
    Forum.objects.filter(name=FORUM_NAME).delete()
    User.objects.filter(email__endswith=BENCH_DOMAIN).delete()

    # Anonymous readers may see and read every forum (machina grants nothing by default).
    for codename in ("can_see_forum", "can_read_forum"):
        perm, _ = ForumPermission.objects.get_or_create(
            codename=codename,
            defaults={"is_global": True, "is_local": True},
        )
        UserForumPermission.objects.update_or_create(
            permission=perm,
            forum=None,
            user=None,
            anonymous_user=True,
            defaults={"has_perm": True},
        )

    users = [
        User.objects.create_user(
            username=slug_ascii(first + "." + last),
            email=slug_ascii(first + "." + last) + BENCH_DOMAIN,
            first_name=first,
            last_name=last,
        )
        for first, last in user_names(n_users)
    ]

    forum = Forum.objects.create(
        name=FORUM_NAME,
        type=Forum.FORUM_POST,
        description="Échanges entre conseillers et formateurs sur l'accompagnement.",
    )
    topic = Topic.objects.create(
        forum=forum,
        poster=users[0],
        subject=TOPIC_SUBJECT,
        type=Topic.TOPIC_POST,
        status=Topic.TOPIC_UNLOCKED,
        approved=True,
    )

    drafts = thread(n_posts, n_users, words, rng_seed)
    posts = []
    for i, draft in enumerate(drafts):
        post = Post(
            topic=topic,
            poster=users[draft.poster],
            subject=TOPIC_SUBJECT if i == 0 else "Re: " + TOPIC_SUBJECT,
            content=draft.text,
            approved=True,
        )
        post.save()
        posts.append(post)

    when = timezone.now() - datetime.timedelta(days=35)
    for post, draft in zip(posts, drafts, strict=True):
        when += datetime.timedelta(minutes=draft.minutes_after_previous)
        post.created = post.updated = when
    Post.objects.bulk_update(posts, ["created", "updated"])
    topic.refresh_from_db()
    topic.update_trackers()  # also refreshes the forum's counters

    path = reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": forum.slug,
            "forum_pk": forum.pk,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )
    return {
        "topic_path": path,
        "posts": topic.posts.count(),
        "users": len({p.poster_id for p in posts}),
        "words_per_post_mean": round(sum(d.words for d in drafts) / len(drafts), 1),
        "posts_per_page": machina_settings.TOPIC_POSTS_NUMBER_PER_PAGE,
        "first_post_excerpt": drafts[0].text[:60],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--words", type=int, default=80, help="about this many words a post")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if args.users < 1 or args.posts < args.users:
        sys.exit("seed.py: need at least one user and at least as many posts as users")
    print(json.dumps(seed(args.posts, args.users, args.words, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
