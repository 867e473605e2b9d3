"""conversations, messages and favourites

Revision ID: 0006
Revises: 0002_search_indexes
Create Date: 2026-12-01 16:00:00

One conversation per guest and house (``uq_conversation_guest_house`` makes a racing second create
fail, and the service then reuses the first); messages are read per conversation in id order from
``ix_message_conversation_id``. A favourite is a (user, house) primary key.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ih_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("house_id", sa.Integer(), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("guest_read_id", sa.Integer(), nullable=False),
        sa.Column("host_read_id", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["house_id"], ["ih_house.id"], name="fk_ih_conversation_house_id_ih_house",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["guest_id"], ["ih_user.id"], name="fk_ih_conversation_guest_id_ih_user"),
        sa.ForeignKeyConstraint(["host_id"], ["ih_user.id"], name="fk_ih_conversation_host_id_ih_user"),
        sa.PrimaryKeyConstraint("id", name="pk_ih_conversation"),
        sa.UniqueConstraint("guest_id", "house_id", name="uq_conversation_guest_house"),
    )
    op.create_index("ix_conversation_guest_last", "ih_conversation", ["guest_id", "last_at"])
    op.create_index("ix_conversation_host_last", "ih_conversation", ["host_id", "last_at"])
    op.create_table(
        "ih_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["ih_conversation.id"],
                                name="fk_ih_message_conversation_id_ih_conversation", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["ih_user.id"], name="fk_ih_message_sender_id_ih_user"),
        sa.PrimaryKeyConstraint("id", name="pk_ih_message"),
    )
    op.create_index("ix_message_conversation_id", "ih_message", ["conversation_id", "id"])
    op.create_table(
        "ih_favorite",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("house_id", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["ih_user.id"], name="fk_ih_favorite_user_id_ih_user",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["house_id"], ["ih_house.id"], name="fk_ih_favorite_house_id_ih_house",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "house_id", name="pk_ih_favorite"),
    )
    op.create_index("ix_favorite_user_created", "ih_favorite", ["user_id", "create_time"])


def downgrade():
    op.drop_index("ix_favorite_user_created", table_name="ih_favorite")
    op.drop_table("ih_favorite")
    op.drop_index("ix_message_conversation_id", table_name="ih_message")
    op.drop_table("ih_message")
    op.drop_index("ix_conversation_host_last", table_name="ih_conversation")
    op.drop_index("ix_conversation_guest_last", table_name="ih_conversation")
    op.drop_table("ih_conversation")
