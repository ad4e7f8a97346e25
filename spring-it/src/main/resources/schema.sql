create table orders (
    id identity primary key,
    items int not null
);
