"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""

from ihome.accounts.models import User
from ihome.admin.audit_models import AuditEntry
from ihome.admin.models import DailyStat
from ihome.conversations.models import Conversation, Message
from ihome.houses.calendar_models import CalendarImport, HouseBlock, NightPrice
from ihome.houses.favorites import Favorite
from ihome.houses.models import Area, Facility, House, HouseImage, house_facility, house_gram
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment, Refund

__all__ = ["Area", "AuditEntry", "CalendarImport", "Conversation", "DailyStat", "Facility", "Favorite", "House",
           "HouseBlock", "HouseImage", "Message", "NightPrice", "Order", "OrderEvent", "OrderStatus", "Payment",
           "Refund", "User", "house_facility", "house_gram"]
