"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_categories_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_categories_name'))
    )
    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('gebiet', 'ausserhalb')", name=op.f('ck_districts_kind')),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_districts_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('name', name=op.f('uq_districts_name'))
    )
    op.create_table('networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('gremium', 'arbeitskreis', 'stadtteilrunde', 'gewerbestammtisch', 'sonstige')", name=op.f('ck_networks_kind')),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_networks_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networks')),
    sa.UniqueConstraint('name', name=op.f('uq_networks_name'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('contact_person', sa.String(length=150), nullable=True),
    sa.Column('street', sa.String(length=150), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=150), nullable=True),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.Column('opening_hours', sa.Text(), nullable=True),
    sa.Column('what_to_bring', sa.Text(), nullable=True),
    sa.Column('languages', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('beratungsstelle', 'behoerde', 'verein', 'kirche', 'schule', 'unternehmen', 'wohnungsunternehmen', 'sonstige')", name=op.f('ck_organisations_kind')),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_organisations_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_services_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('name', name=op.f('uq_services_name'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.CheckConstraint("kind IN ('faehigkeit', 'interesse', 'sprache')", name=op.f('ck_tags_kind')),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_tags_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_tags_kind_name'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('projekt', 'aktion', 'veranstaltung', 'kurs', 'gruppe')", name=op.f('ck_activities_kind')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_activities_ends_after_starts')),
    sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_activities_name_not_blank')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_activities_district_id_districts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_district', ['district_id'], unique=False)

    op.create_table('anonymous_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("age_band IN ('u18', '18_29', '30_54', '55_64', '65plus', 'unbekannt')", name=op.f('ck_anonymous_tallies_age_band')),
    sa.CheckConstraint("gender IN ('weiblich', 'maennlich', 'divers', 'keine_angabe')", name=op.f('ck_anonymous_tallies_gender')),
    sa.CheckConstraint("kind IN ('sprechzeit', 'termin', 'telefon', 'email', 'hausbesuch', 'aufsuchend')", name=op.f('ck_anonymous_tallies_kind')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_anonymous_tallies_count_positive')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_anonymous_tallies_category_id_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_anonymous_tallies_district_id_districts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_tallies'))
    )
    with op.batch_alter_table('anonymous_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_anonymous_tallies_date', ['date'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('minutes_text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_time IS NULL OR start_time IS NULL OR end_time > start_time', name=op.f('ck_meetings_end_after_start')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meetings_network_id_networks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_date', ['date'], unique=False)
        batch_op.create_index('ix_meetings_network_date', ['network_id', 'date'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=True),
    sa.CheckConstraint('closes > opens', name=op.f('ck_opening_hours_closes_after_opens')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_opening_hours_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours'))
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index('ix_opening_hours_organisation', ['organisation_id'], unique=False)

    op.create_table('organisation_services',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_services_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_organisation_services_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'service_id', name=op.f('pk_organisation_services'))
    )
    with op.batch_alter_table('organisation_services', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_services_service', ['service_id'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('street', sa.String(length=150), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=150), nullable=True),
    sa.Column('languages', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("gender IN ('weiblich', 'maennlich', 'divers', 'keine_angabe')", name=op.f('ck_persons_gender')),
    sa.CheckConstraint("length(trim(last_name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_persons_last_name_not_blank')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_persons_district_id_districts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_district', ['district_id'], unique=False)
        batch_op.create_index('ix_persons_name_birth', ['last_name', 'birth_date'], unique=False)
        batch_op.create_index('ix_persons_sort', ['last_name', 'first_name'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_person_id', sa.Integer(), nullable=True),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('owner_text', sa.String(length=150), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("length(trim(title, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_action_items_title_not_blank')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_action_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_action_items_owner_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_person_id'], ['persons.id'], name=op.f('fk_action_items_owner_person_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_meeting', ['meeting_id'], unique=False)
        batch_op.create_index('ix_action_items_open_due', ['done_on', 'due_on'], unique=False)
        batch_op.create_index('ix_action_items_owner_organisation', ['owner_organisation_id'], unique=False)
        batch_op.create_index('ix_action_items_owner_person', ['owner_person_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('data_categories', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("length(trim(purpose, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_consents_purpose_not_blank')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= given_on', name=op.f('ck_consents_valid_after_given')),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= given_on', name=op.f('ck_consents_withdrawn_after_given')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_consents_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_consents_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_organisation', ['organisation_id'], unique=False)
        batch_op.create_index('ix_consents_person', ['person_id'], unique=False)

    op.create_table('meeting_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (organisation_id IS NULL)', name=op.f('ck_meeting_participants_person_xor_organisation')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_participants_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_meeting_participants_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_meeting_participants_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_participants'))
    )
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_participants_organisation', ['organisation_id'], unique=False)
        batch_op.create_index('ix_meeting_participants_person', ['person_id'], unique=False)
        batch_op.create_index('uq_meeting_participants_organisation', ['meeting_id', 'organisation_id'], unique=True, sqlite_where=sa.text('organisation_id IS NOT NULL'))
        batch_op.create_index('uq_meeting_participants_person', ['meeting_id', 'person_id'], unique=True, sqlite_where=sa.text('person_id IS NOT NULL'))

    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('offen', 'in_bearbeitung', 'wartet', 'erledigt', 'abgebrochen')", name=op.f('ck_requests_status')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_requests_closed_after_opened')),
    sa.CheckConstraint("length(trim(title, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_requests_title_not_blank')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_requests_category_id_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_requests_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_category', ['category_id'], unique=False)
        batch_op.create_index('ix_requests_closed', ['closed_on'], unique=False)
        batch_op.create_index('ix_requests_follow_up', ['follow_up_on'], unique=False)
        batch_op.create_index('ix_requests_opened', ['opened_on'], unique=False)
        batch_op.create_index('ix_requests_person', ['person_id'], unique=False)
        batch_op.create_index('ix_requests_status_opened', ['status', 'opened_on'], unique=False)

    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('anonymous_count', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('anonymous_count >= 0', name=op.f('ck_sessions_anonymous_count_non_negative')),
    sa.CheckConstraint('end_time IS NULL OR start_time IS NULL OR end_time > start_time', name=op.f('ck_sessions_end_after_start')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_sessions_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_activity_date', ['activity_id', 'date'], unique=False)
        batch_op.create_index('ix_sessions_date', ['date'], unique=False)

    op.create_table('volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('availability', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('clearance_seen_on', sa.Date(), nullable=True),
    sa.Column('clearance_issued_on', sa.Date(), nullable=True),
    sa.Column('clearance_relevant_entry', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('clearance_issued_on IS NULL OR clearance_seen_on IS NULL OR clearance_issued_on <= clearance_seen_on', name=op.f('ck_volunteers_clearance_issued_before_seen')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_volunteers_ended_after_started')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_volunteers_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteers')),
    sa.UniqueConstraint('person_id', name=op.f('uq_volunteers_person_id'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('minutes >= 0 AND minutes <= 1440', name=op.f('ck_assignments_minutes_range')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_assignments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_assignments_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_assignments_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_activity', ['activity_id'], unique=False)
        batch_op.create_index('ix_assignments_date', ['date'], unique=False)
        batch_op.create_index('ix_assignments_session', ['session_id'], unique=False)
        batch_op.create_index('ix_assignments_volunteer_date', ['volunteer_id', 'date'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('(activity_id IS NOT NULL) + (session_id IS NOT NULL) + (meeting_id IS NOT NULL) = 1', name=op.f('ck_attachments_exactly_one_owner')),
    sa.CheckConstraint("length(trim(file_name, ' ' || char(9) || char(10) || char(13))) > 0", name=op.f('ck_attachments_file_name_not_blank')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_attachments_size_non_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attachments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attachments_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_attachments_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_activity', ['activity_id'], unique=False)
        batch_op.create_index('ix_attachments_meeting', ['meeting_id'], unique=False)
        batch_op.create_index('ix_attachments_session', ['session_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_attendances_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_attendances_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_attendances_session_id_person_id'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index('ix_attendances_person', ['person_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('sprechzeit', 'termin', 'telefon', 'email', 'hausbesuch', 'aufsuchend')", name=op.f('ck_contacts_kind')),
    sa.CheckConstraint('duration_minutes IS NULL OR (duration_minutes >= 0 AND duration_minutes <= 1440)', name=op.f('ck_contacts_duration_range')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_contacts_category_id_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_contacts_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_contacts_request_id_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_date_person', ['date', 'person_id'], unique=False)
        batch_op.create_index('ix_contacts_person_date', ['person_id', 'date'], unique=False)
        batch_op.create_index('ix_contacts_request', ['request_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('appointment_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("outcome IN ('vermittelt', 'angekommen', 'nicht_wahrgenommen', 'abgelehnt', 'abgeschlossen')", name=op.f('ck_referrals_outcome')),
    sa.CheckConstraint('outcome_on IS NULL OR outcome_on >= referred_on', name=op.f('ck_referrals_outcome_after_referral')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_referrals_consent_id_consents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_referrals_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_referrals_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_referrals_request_id_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_referrals_service_id_services'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_consent', ['consent_id'], unique=False)
        batch_op.create_index('ix_referrals_follow_up', ['follow_up_on'], unique=False)
        batch_op.create_index('ix_referrals_organisation', ['organisation_id'], unique=False)
        batch_op.create_index('ix_referrals_person', ['person_id'], unique=False)
        batch_op.create_index('ix_referrals_referred_on', ['referred_on'], unique=False)
        batch_op.create_index('ix_referrals_request', ['request_id'], unique=False)
        batch_op.create_index('ix_referrals_service', ['service_id'], unique=False)

    op.create_table('volunteer_tags',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_volunteer_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_tags_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'tag_id', name=op.f('pk_volunteer_tags'))
    )
    with op.batch_alter_table('volunteer_tags', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_tags_tag', ['tag_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('volunteer_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_tags_tag')

    op.drop_table('volunteer_tags')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_service')
        batch_op.drop_index('ix_referrals_request')
        batch_op.drop_index('ix_referrals_referred_on')
        batch_op.drop_index('ix_referrals_person')
        batch_op.drop_index('ix_referrals_organisation')
        batch_op.drop_index('ix_referrals_follow_up')
        batch_op.drop_index('ix_referrals_consent')

    op.drop_table('referrals')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_request')
        batch_op.drop_index('ix_contacts_person_date')
        batch_op.drop_index('ix_contacts_date_person')

    op.drop_table('contacts')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index('ix_attendances_person')

    op.drop_table('attendances')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_session')
        batch_op.drop_index('ix_attachments_meeting')
        batch_op.drop_index('ix_attachments_activity')

    op.drop_table('attachments')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_volunteer_date')
        batch_op.drop_index('ix_assignments_session')
        batch_op.drop_index('ix_assignments_date')
        batch_op.drop_index('ix_assignments_activity')

    op.drop_table('assignments')
    op.drop_table('volunteers')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_date')
        batch_op.drop_index('ix_sessions_activity_date')

    op.drop_table('sessions')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_status_opened')
        batch_op.drop_index('ix_requests_person')
        batch_op.drop_index('ix_requests_opened')
        batch_op.drop_index('ix_requests_follow_up')
        batch_op.drop_index('ix_requests_closed')
        batch_op.drop_index('ix_requests_category')

    op.drop_table('requests')
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_participants_person', sqlite_where=sa.text('person_id IS NOT NULL'))
        batch_op.drop_index('uq_meeting_participants_organisation', sqlite_where=sa.text('organisation_id IS NOT NULL'))
        batch_op.drop_index('ix_meeting_participants_person')
        batch_op.drop_index('ix_meeting_participants_organisation')

    op.drop_table('meeting_participants')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_person')
        batch_op.drop_index('ix_consents_organisation')

    op.drop_table('consents')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_owner_person')
        batch_op.drop_index('ix_action_items_owner_organisation')
        batch_op.drop_index('ix_action_items_open_due')
        batch_op.drop_index('ix_action_items_meeting')

    op.drop_table('action_items')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_sort')
        batch_op.drop_index('ix_persons_name_birth')
        batch_op.drop_index('ix_persons_district')

    op.drop_table('persons')
    with op.batch_alter_table('organisation_services', schema=None) as batch_op:
        batch_op.drop_index('ix_organisation_services_service')

    op.drop_table('organisation_services')
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_opening_hours_organisation')

    op.drop_table('opening_hours')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_network_date')
        batch_op.drop_index('ix_meetings_date')

    op.drop_table('meetings')
    with op.batch_alter_table('anonymous_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_anonymous_tallies_date')

    op.drop_table('anonymous_tallies')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_district')

    op.drop_table('activities')
    op.drop_table('tags')
    op.drop_table('settings')
    op.drop_table('services')
    op.drop_table('organisations')
    op.drop_table('networks')
    op.drop_table('districts')
    op.drop_table('categories')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
